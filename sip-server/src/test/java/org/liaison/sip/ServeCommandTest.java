package org.liaison.sip;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.redis.RedisServer;
import org.liaison.media.ng.NgMediaRelay;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TlsClients;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * {@code liaison serve} (and {@code relay}) as a separate process: startup, SIGTERM, kill -9, and
 * configuration errors.
 */
class ServeCommandTest {
    @TempDir
    Path root;
    Process process;
    Path log;

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private Process serve(Path configDir) throws IOException {
        return liaison("serve", "--config", configDir.toString());
    }

    /** {@code bin/liaison ARGS}, as the script runs it, on the test class path. */
    private Process liaison(String... args) throws IOException {
        log = root.resolve("liaison-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SipServerMain.class.getName()));
        command.addAll(List.of(args));
        // in the temporary root: a relative data.dir (the shipped one) lands there
        process = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return process;
    }

    private String output() throws IOException {
        return Files.readString(log);
    }

    private void awaitServing() throws InterruptedException {
        awaitOutput("serving sip domain");
    }

    private void awaitOutput(String text) throws InterruptedException {
        await("the process to log \"" + text + "\"").atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                return output().contains(text);
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void sigtermStopsTheServerCleanlyWithExitZero() throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001").create(root);
        serve(config.configDir());
        awaitServing();
        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
        assertEquals(0, process.exitValue(), output());
        assertTrue(output().contains("stopped"), output());
    }

    @Test
    void relayCommandServesNgUntilSigtermAndEndsItsCalls() throws Exception {
        int controlPort = FreePorts.udpAndTcp();
        TestServer config = TestServer.builder().property("relay.control-port", Integer.toString(controlPort))
                .create(root);
        liaison("relay", "--config", config.configDir().toString());
        awaitOutput("ng control listening");

        NgMediaRelay ng = NgMediaRelay.to(List.of(new InetSocketAddress("127.0.0.1", controlPort)));
        String sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/SAVP 0\r\n"
                + "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:cmVsYXkgY29tbWFuZCB0ZXN0IGtleQ==\r\n";
        String offer = ng.offer("relay-command-call", "ta", Optional.empty(), sdp);
        assertTrue(offer.contains("c=IN IP4 127.0.0.1\r\n") && !offer.contains("m=audio 4000 "), offer);

        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "still running 10 s after SIGTERM");
        assertEquals(0, process.exitValue(), output());
        assertTrue(output().contains("call relay-command-call ended (relay stopped) after "), output());
    }

    @Test
    void registrationSurvivesKillDashNine() throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001").create(root);
        serve(config.configDir());
        awaitServing();
        try (TestUa alice = new TestUa("alice", config)) {
            assertEquals(200, alice.register("alice-secret", "").status());
        }
        process.destroyForcibly(); // SIGKILL: no shutdown, no flush
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        config.start();
        try {
            assertEquals(1, config.server().locations().lookup("alice").size());
        } finally {
            config.stop();
        }
    }

    /** The README's {@code bin/liaison serve} on a fresh machine: TLS only, with a CA clients can import. */
    @Test
    void shippedConfigurationServesTlsOnlyWithItsOwnCa() throws Exception {
        Path conf = Files.createDirectories(root.resolve("conf"));
        Files.copy(Path.of("..", "conf", "users.csv"), conf.resolve("users.csv"));
        String shipped = Files.readString(Path.of("..", "conf", LiaisonConfig.FILE_NAME));
        int tlsPort = FreePorts.udpAndTcp(); // the shipped 5061 may be taken on a test machine
        int httpPort = FreePorts.udpAndTcp();
        while (httpPort == tlsPort) {
            httpPort = FreePorts.udpAndTcp();
        }
        String onFreePort = shipped.replace("sip.tls.port = 5061", "sip.tls.port = " + tlsPort)
                .replace("http.port = 8443", "http.port = " + httpPort)
                .replace("admin.port = 9090", "admin.port = 0"); // 9090 may be taken too
        assertTrue(!onFreePort.contains("5061") && !onFreePort.contains("8443"),
                "the shipped file no longer says sip.tls.port = 5061 and http.port = 8443");
        Files.writeString(conf.resolve(LiaisonConfig.FILE_NAME), onFreePort);
        serve(conf);
        awaitServing();

        Path ca = root.resolve("data").resolve("ca.pem");
        String fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(ca)).getEncoded()));
        assertTrue(output().contains("SHA-256 fingerprint " + fingerprint), output());
        // a client given ca.pem trusts the server at its address
        try (SSLSocket tls = TlsClients.connect(TlsClients.trusting(ca), "127.0.0.1", tlsPort)) {
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
        }
        assertTrue(output().contains("(udp 0, tcp 0, tls " + tlsPort + ")"), output());
        // the JIT warmed on a throwaway server first, whose own lines are held back
        assertTrue(output().matches("(?s).*warm-up: [1-9][0-9]* exchanges with a throwaway server.*"), output());
        assertTrue(!output().contains("warm-up.invalid"), output());
        assertTrue(output().contains("provisioning over https on [/127.0.0.1, /0:0:0:0:0:0:0:1] port " + httpPort),
                output());
    }

    @Test
    void aSecondServeOnTheSameDataDirExitsTwoWithOneLineAndAKilledOneLeavesItFree() throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001").create(root);
        Path dataDir = LiaisonConfig.load(config.configDir()).dataDir();
        Process first = serve(config.configDir());
        try {
            awaitServing();
            serve(config.configDir());
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the second server is still running");
            assertEquals(2, process.exitValue(), output());
            List<String> lines = output().lines().filter(l -> l.startsWith("liaison:")).toList();
            assertEquals(List.of("liaison: data.dir " + dataDir + " is in use by another Liaison server (lock file "
                    + dataDir.resolve("liaison.lock") + ")"), lines, output());
            assertTrue(first.isAlive(), "the first server stopped");

            first.destroyForcibly(); // SIGKILL: the OS releases the lock
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            serve(config.configDir());
            awaitServing();
        } finally {
            first.destroyForcibly();
        }
    }

    @Test
    void badConfigurationStopsStartupWithOneLineAndExitTwo() throws Exception {
        TestServer config = TestServer.builder().property("sip.udp.port", "seventy").create(root);
        serve(config.configDir());
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        List<String> lines = output().lines().filter(l -> l.startsWith("liaison:")).toList();
        assertEquals(1, lines.size(), output());
        assertTrue(lines.get(0).contains("liaison.properties: sip.udp.port: \"seventy\" is not a port number"),
                lines.get(0));
    }

    @Test
    void anUnreachableRedisStopsStartupWithOneLineNamingTheKeyButNotItsPassword() throws Exception {
        int nowhere = FreePorts.udpAndTcp();
        TestServer config = TestServer.builder().property("cluster.redis-uri", "redis://:s3cret@127.0.0.1:" + nowhere)
                .property("cluster.node-uri", "sip:127.0.0.1").create(root);
        serve(config.configDir());
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), output());
        List<String> lines = output().lines().filter(l -> l.startsWith("liaison:")).toList();
        assertEquals(1, lines.size(), output());
        assertTrue(lines.get(0).startsWith("liaison: cluster.redis-uri redis://127.0.0.1:" + nowhere
                + ": cannot reach Redis: "), lines.get(0));
        assertFalse(output().contains("s3cret"), output());
    }

    @Test
    void aRedisThatDoesNotPersistEveryWriteStopsStartupWithOneLineNamingTheKey() throws Exception {
        try (RedisServer redis = RedisServer.start(Files.createDirectories(root.resolve("redis")),
                List.of("--appendonly", "no"))) {
            TestServer config = TestServer.builder().property("cluster.redis-uri", redis.uri())
                    .property("cluster.node-uri", "sip:127.0.0.1").create(root);
            serve(config.configDir());
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue(), output());
            List<String> lines = output().lines().filter(l -> l.startsWith("liaison:")).toList();
            assertEquals(1, lines.size(), output());
            assertTrue(lines.get(0).startsWith("liaison: cluster.redis-uri " + redis.uri()
                    + ": Redis must run with appendonly yes and appendfsync always"), lines.get(0));
        }
    }

    @Test
    void aMissingCertificateStopsStartupWithOneLineNamingTheFile() throws Exception {
        TestServer config = TestServer.builder().withTls().property("sip.tls.certificate", "fullchain.pem")
                .property("sip.tls.private-key", "privkey.pem").create(root);
        serve(config.configDir());
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        List<String> lines = output().lines().filter(l -> l.startsWith("liaison:")).toList();
        assertEquals(List.of("liaison: " + config.configDir().resolve("fullchain.pem") + ": no such file"), lines,
                output());
    }

    @Test
    void brokenUsersFileStopsStartupNamingTheLine() throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001")
                .userLine("bob,plain-password,Bob,1002,").create(root);
        serve(config.configDir());
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        assertTrue(output().contains("users.csv:3:"), output());
        assertTrue(!output().contains("plain-password"), "the password cell must not be echoed: " + output());
    }

    @Test
    void passwdStoresOnlyHashesAndTheNewPasswordWorks() throws Exception {
        TestServer config = TestServer.builder().user("alice", "old-secret", "1001").create(root);
        liaison("passwd", "alice", "--config", config.configDir().toString());
        process.getOutputStream().write("new-secret\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output());
        String users = Files.readString(config.usersFile());
        assertTrue(users.contains("alice,md5:") && users.contains("+sha256:"), users);
        assertTrue(!users.contains("old-secret") && !users.contains("new-secret"), users);
        config.start();
        try (TestUa alice = new TestUa("alice", config)) {
            assertEquals(200, alice.register("new-secret", "").status());
        } finally {
            config.stop();
        }
    }

    @Test
    void usersAddAndUsersPasswdRunFromTheCommandLineAndTheUserRegisters() throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001").create(root);
        liaison("users", "add", "carol", "--extension", "1003", "--config", config.configDir().toString());
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output());
        assertTrue(output().contains("added carol"), output());

        liaison("users", "passwd", "carol", "--config", config.configDir().toString());
        process.getOutputStream().write("carol-secret\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output());

        config.start();
        try (TestUa carol = new TestUa("carol", config)) {
            assertEquals(200, carol.register("carol-secret", "").status());
        } finally {
            config.stop();
        }
    }
}
