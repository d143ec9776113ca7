package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.config.AcmeSettings;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.testing.CapturedLog;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TlsClients;
import org.liaison.sip.tls.acme.AcmeCertificates;

/**
 * Issue 15 against Debian's pebble, validating for real over HTTP-01 on loopback: the server orders its certificate
 * in the background, serves it on the SIP TLS port and the HTTPS port (checked as a client trusting only pebble's
 * root, names checked), renews it at two thirds of its lifetime without a restart, says why in one line when the CA
 * refuses a name, and linphonec registers over TLS trusting nothing but pebble's root; and over TLS-ALPN-01 on the
 * HTTPS port alone.
 */
class AcmeCertificateTest {
    private static final String ACME_IDENTIFIER_OID = "1.3.6.1.5.5.7.1.31";
    /** Short-lived certificates (pebble's certificateValidityPeriod): renewal due 10 s after issue. */
    private static final long VALIDITY_SECONDS = 15;
    private static final Duration ISSUED = Duration.ofSeconds(30);

    @TempDir
    Path root;
    private Pebble pebble;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    private TestServer serverOrderingFrom(Pebble ca, String... properties) throws Exception {
        TestServer.Builder builder = TestServer.builder().withTls().withProvisioning()
                .user("alice", "secret", "1001")
                .property("sip.tls.acme.directory-url", ca.directory().toString())
                .property("sip.tls.acme.ca-file", ca.serverCa().toString())
                .property("sip.tls.acme.http-port", Integer.toString(ca.httpPort()));
        for (int i = 0; i < properties.length; i += 2) {
            builder.property(properties[i], properties[i + 1]);
        }
        return builder.create(root.resolve("server")).start();
    }

    @Test
    void firstStartOrdersAndServesThePebbleCertificateOnBothTlsPortsAndRenewsItWithoutRestart() throws Exception {
        pebble = Pebble.prepare(root.resolve("pebble"), VALIDITY_SECONDS, List.of()).start();
        // names by default: sip.domain (liaison.test, which pebble's DNS points here) and http.public-url's host
        server = serverOrderingFrom(pebble);
        SSLContext pebbleRoot = TlsClients.trusting(pebble.root());

        X509Certificate sip = await().atMost(ISSUED).ignoreExceptions()
                .until(() -> served(pebbleRoot, server.tlsPort()), c -> true);
        X509Certificate https = served(pebbleRoot, server.httpPort());
        assertEquals(sip, https, "the SIP TLS port and the HTTPS port present the same ACME certificate");
        assertEquals("0 (ok)", opensslVerify(pebble.root(), server.tlsPort()), "openssl s_client, SIP TLS port");
        assertEquals("0 (ok)", opensslVerify(pebble.root(), server.httpPort()), "openssl s_client, HTTPS port");
        assertTrue(sip.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals(TestServer.DOMAIN)),
                () -> "names sip.domain: " + sip);
        Path kept = server.dataDir().resolve("acme");
        for (String file : List.of("account-key.pem", "certificate.pem", "certificate-key.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.resolve(file))),
                    file);
        }

        AcmeSettings acme = LiaisonConfig.load(server.configDir()).tls().acme();
        assertTrue(AcmeCertificates.issued(acme, server.dataDir(), Clock.systemUTC()),
                "bin/liaison onboarding now leaves out the step installing the private CA");

        // two thirds of 15 s: the renewed certificate is presented on both ports, by the same running server
        BigInteger first = sip.getSerialNumber();
        X509Certificate renewed = await().atMost(ISSUED).ignoreExceptions()
                .until(() -> served(pebbleRoot, server.tlsPort()), c -> !c.getSerialNumber().equals(first));
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions()
                .until(() -> served(pebbleRoot, server.httpPort()).getSerialNumber(), s -> !s.equals(first));
        assertNotEquals(first, renewed.getSerialNumber());
    }

    @Test
    void aNameTheCaRefusesIsLoggedWithItsReasonAndThePrivateCaKeepsServing() throws Exception {
        pebble = Pebble.prepare(root.resolve("pebble"), 3600, List.of("refused.test")).start();
        try (CapturedLog log = CapturedLog.start()) {
            server = serverOrderingFrom(pebble, "sip.tls.acme.names", "liaison.test,refused.test");
            await().atMost(ISSUED).until(() -> log.warnings().stream().anyMatch(line -> line.contains(
                    "acme: no certificate for [liaison.test, refused.test]: the CA refused the order")
                    && line.contains("refused.test") && line.contains("rejectedIdentifier")));
            assertTrue(log.has(Level.WARN, "keeps serving, next attempt in 60s"), () -> log.warnings().toString());
        }
        SSLContext privateCa = TlsClients.trusting(server.dataDir().resolve("ca.pem"));
        try (SSLSocket socket = TlsClients.connect(privateCa, "127.0.0.1", server.tlsPort())) {
            assertTrue(socket.getSession().isValid());
        }
    }

    @Test
    void aNameThatFailsValidationIsLoggedWithTheCasProblemDetail() throws Exception {
        pebble = Pebble.prepare(root.resolve("pebble"), 3600, List.of()).start();
        try (CapturedLog log = CapturedLog.start()) {
            // 127.0.0.2 is loopback too, but nothing answers HTTP-01 there: the server listens on sip.address only
            server = serverOrderingFrom(pebble, "sip.tls.acme.names", "liaison.test,127.0.0.2");
            await().atMost(ISSUED).until(() -> log.warnings().stream().anyMatch(line -> line.contains(
                    "validation of 127.0.0.2 failed: ") && line.contains("urn:ietf:params:acme:error:connection")));
        }
    }

    @Test
    void linphonecRegistersOverTlsTrustingOnlyPebblesRoot() throws Exception {
        pebble = Pebble.prepare(root.resolve("pebble"), 3600, List.of()).start();
        // liblinphone's mbedTLS skips iPAddress names: the phone reaches the server by a name, localhost here
        server = serverOrderingFrom(pebble, "sip.tls.acme.names", "liaison.test,localhost,127.0.0.1");
        Path pebbleRoot = pebble.root();
        SSLContext trust = TlsClients.trusting(pebbleRoot);
        await().atMost(ISSUED).ignoreExceptions().until(() -> served(trust, server.tlsPort()), c -> true);
        SipAccount alice = new SipAccount("alice", "secret", TestServer.DOMAIN, "localhost", server.tlsPort(),
                Optional.of(pebbleRoot));
        try (Linphonec phone = Linphonec.start(root, "alice", alice, false)) {
            assertTrue(phone.awaitRegistered(Duration.ofSeconds(15)), phone::logs);
        }
    }

    /**
     * TLS-ALPN-01 (RFC 8737): pebble's handshakes go to the HTTPS port and its HTTP-01 requests to a port nobody
     * listens on, so the certificate was proved on the HTTPS port alone; with no challenge under way, a client
     * offering {@code acme-tls/1} gets that certificate, not a challenge's.
     */
    @Test
    void anOrderProvedOverTlsAlpn01OnTheHttpsPortServesThePebbleCertificateOnBothPorts() throws Exception {
        int httpsPort = FreePorts.udpAndTcp();
        pebble = Pebble.prepare(root.resolve("pebble"), 3600, List.of(), httpsPort).start();
        int notPebblesHttpPort = FreePorts.udpAndTcp();
        while (notPebblesHttpPort == httpsPort || notPebblesHttpPort == pebble.httpPort()) {
            notPebblesHttpPort = FreePorts.udpAndTcp();
        }
        server = serverOrderingFrom(pebble, "http.port", Integer.toString(httpsPort),
                "http.public-url", "https://127.0.0.1:" + httpsPort,
                "sip.tls.acme.http-port", Integer.toString(notPebblesHttpPort),
                "sip.tls.acme.challenge", "tls-alpn-01");
        SSLContext pebbleRoot = TlsClients.trusting(pebble.root());

        X509Certificate https = await().atMost(ISSUED).ignoreExceptions()
                .until(() -> served(pebbleRoot, server.httpPort()), c -> true);
        assertEquals(https, served(pebbleRoot, server.tlsPort()), "the SIP TLS port presents it too");
        assertTrue(https.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals(TestServer.DOMAIN)),
                () -> "names sip.domain: " + https);
        assertFalse(pebble.log().contains("Attempting to validate w/ HTTP"), pebble::log);

        // no challenge under way now: acme-tls/1 offered for a configured name gets the served certificate
        try (SSLSocket prober = TlsClients.presenting(TestServer.DOMAIN, List.of("acme-tls/1"), server.httpPort())) {
            X509Certificate presented = (X509Certificate) prober.getSession().getPeerCertificates()[0];
            assertEquals(https, presented);
            assertNull(presented.getExtensionValue(ACME_IDENTIFIER_OID));
            assertFalse("acme-tls/1".equals(prober.getApplicationProtocol()));
        }
    }

    /** What {@code openssl s_client} says of the chain {@code port} presents, trusting {@code root} only, for 127.0.0.1. */
    private static String opensslVerify(Path root, int port) throws Exception {
        Process client = new ProcessBuilder(Tools.require("openssl").toString(), "s_client", "-connect",
                "127.0.0.1:" + port, "-CAfile", root.toString(), "-verify_ip", "127.0.0.1", "-verify_return_error")
                .redirectErrorStream(true).start();
        client.getOutputStream().close(); // no request: s_client ends after the handshake
        String said = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(20, TimeUnit.SECONDS), said);
        Matcher code = Pattern.compile("Verify return code: (.+)").matcher(said);
        assertTrue(code.find(), said);
        return code.group(1).trim();
    }

    /** The certificate {@code port} presents to a client trusting {@code trust} and checking the name 127.0.0.1. */
    private static X509Certificate served(SSLContext trust, int port) throws IOException {
        try (SSLSocket socket = TlsClients.connect(trust, "127.0.0.1", port)) {
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
