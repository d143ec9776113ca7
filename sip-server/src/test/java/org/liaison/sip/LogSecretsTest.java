package org.liaison.sip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.LogFiles;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * {@code log.format = text|json}: a real {@code liaison serve} at DEBUG, through registrations, a stored message,
 * wrong passwords up to a block and a malformed Authorization header, logs none of the users' passwords, HA1
 * values, the nonces it handed out or the digest responses it got; and with {@code json} every line of its output
 * is one JSON object with the fields of the text format.
 */
@Timeout(90)
class LogSecretsTest {
    private static final String ALICE_PASSWORD = "alice-pw-" + UUID.randomUUID();
    private static final String BOB_PASSWORD = "bob-pw-" + UUID.randomUUID();
    private static final Set<String> FIELDS = Set.of("time", "level", "logger", "thread", "message");

    @TempDir
    Path root;
    Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void textLogHoldsNoSecret() throws Exception {
        String log = runWithTraffic("text");
        assertTrue(log.contains("INFO") && log.contains("serving sip domain"), log);
        assertFalse(log.trim().startsWith("{"), "log.format = text wrote JSON");
    }

    @Test
    void jsonLogIsOneObjectPerLineWithTheTextFormatsFieldsAndHoldsNoSecret() throws Exception {
        String log = runWithTraffic("json");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        // lines written before the configuration is read (logback's own start) come first, in text
        String fromJson = log.substring(Math.max(0, log.indexOf("{\"time\"")));
        for (String line : fromJson.split("\n")) {
            JsonNode event = json.readTree(line);
            assertTrue(event.isObject(), line);
            List<String> names = new ArrayList<>();
            event.fieldNames().forEachRemaining(names::add);
            assertTrue(names.containsAll(FIELDS), line);
            assertTrue(Set.of("time", "level", "logger", "thread", "message", "exception").containsAll(names), line);
            assertTrue(event.get("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), line);
            events.add(event);
        }
        assertTrue(events.stream().anyMatch(e -> e.get("message").asText().contains("serving sip domain")), log);
        assertTrue(events.stream().anyMatch(e -> e.get("level").asText().equals("WARN")
                && e.get("message").asText().startsWith("auth-block")), "the auth block was not logged: " + log);
    }

    /** Runs the server with {@code format}, sends the traffic, stops it; the whole log, checked for every secret. */
    private String runWithTraffic(String format) throws Exception {
        TestServer config = TestServer.builder().user("alice", ALICE_PASSWORD, "1001").user("bob", BOB_PASSWORD, "1002")
                .property("log.format", format).property("auth.max-failures-per-source", "3")
                .create(root.resolve(format));
        Path logFile = root.resolve(format + ".log");
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dliaison.log.level=DEBUG", "-cp", System.getProperty("java.class.path"),
                SipServerMain.class.getName(), "serve", "--config", config.configDir().toString())
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        await("the server serving").atMost(Duration.ofSeconds(30))
                .until(() -> LogFiles.read(logFile).contains("serving sip domain"));

        List<String> secrets = new ArrayList<>(List.of(ALICE_PASSWORD, BOB_PASSWORD,
                ha1("MD5", "alice", ALICE_PASSWORD), ha1("SHA-256", "alice", ALICE_PASSWORD),
                ha1("MD5", "bob", BOB_PASSWORD), ha1("SHA-256", "bob", BOB_PASSWORD)));
        try (TestUa alice = new TestUa("alice", config); TestUa bob = new TestUa("bob", config)) {
            exchange(alice, alice.registerRequest(UUID.randomUUID().toString(), 3600, ""), ALICE_PASSWORD, 200, secrets);
            exchange(alice, alice.messageRequest("sip:bob@" + TestServer.DOMAIN, UUID.randomUUID().toString(),
                    "text/plain", "hello"), ALICE_PASSWORD, 202, secrets);
            for (int i = 0; i < 4; i++) {
                exchange(bob, bob.registerRequest(UUID.randomUUID().toString(), 3600, ""), "wrong-" + BOB_PASSWORD,
                        0, secrets);
            }
            bob.send(bob.registerRequest(UUID.randomUUID().toString(), 3600, "").replace("{auth}",
                    "Authorization: Digest " + BOB_PASSWORD + "\r\n"));
            bob.awaitResponse("REGISTER", 200);
        }
        await("the block logged").atMost(Duration.ofSeconds(10))
                .until(() -> LogFiles.read(logFile).contains("auth-block"));
        process.destroy();
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
        String log = LogFiles.read(logFile);
        for (String secret : secrets) {
            assertFalse(log.contains(secret), "the " + format + " log holds a secret (" + secret + "):\n" + log);
        }
        return log;
    }

    /** One challenged exchange; its nonce and digest response join {@code secrets}. */
    private static void exchange(TestUa ua, String request, String password, int expected, List<String> secrets)
            throws Exception {
        TestUa.Challenged challenged = ua.sendAnsweringChallenge(request, password);
        SipText challenge = challenged.first();
        if (challenged.retry() != null) {
            secrets.add(TestUa.param(challenge.header("www-authenticate").orElse(
                    challenge.header("proxy-authenticate").orElse("")), "nonce"));
            String retry = challenged.retry();
            secrets.add(TestUa.param(retry.substring(retry.indexOf("Digest ")), "response"));
        }
        int status = challenged.retry() == null ? challenge.status() : ua.awaitResponse(challenge.cseqMethod(), 200).status();
        if (expected != 0) {
            assertEquals(expected, status, request);
        }
    }

    private static String ha1(String algorithm, String user, String password) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(
                (user + ":" + TestServer.DOMAIN + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }
}
