package org.liaison.sip;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * A stored chat message survives {@code kill -9} of the server between the 202 (RFC 3428 §7) and
 * its delivery: after a restart the recipient's device gets it exactly once.
 */
@Timeout(60)
class MessageCrashTest {

    @TempDir
    Path root;
    Process process;
    Path log;
    TestServer config;

    @AfterEach
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        if (config != null) {
            config.stop();
        }
    }

    @Test
    void storedMessageIsDeliveredExactlyOnceAfterKillDashNineBeforeDelivery() throws Exception {
        config = TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("im.device-answer-ms", "1000").create(root);
        serve(config.configDir());
        awaitServing();
        String callId = UUID.randomUUID().toString();
        try (TestUa alice = new TestUa("alice", config)) {
            assertEquals(202, alice.sendWithAuth(alice.messageRequest("sip:bob@" + TestServer.DOMAIN, callId, "text/plain;charset=UTF-8",
                    "stored before the crash grüße ✓ <ok> & done"), "alice-secret").status());
        }

        process.destroyForcibly(); // SIGKILL right after the 202: no shutdown hook, no flush
        assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the server survived SIGKILL");
        config.start();

        try (TestUa bob = new TestUa("bob", config)) {
            assertEquals(200, bob.register("bob-secret", "").status());
            SipText delivered = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
            assertEquals("stored before the crash grüße ✓ <ok> & done", delivered.body());
            assertEquals(callId, delivered.header("call-id").orElseThrow());
            assertTrue(delivered.header("from").orElseThrow().contains("sip:alice@" + TestServer.DOMAIN),
                    delivered.toString());
            bob.respond(delivered, 200, "OK", "b", null, null);
            String device = config.server().locations().lookup("bob").get(0).key();
            await("the delivered message acknowledged for bob's device").atMost(Duration.ofSeconds(5)).until(() -> config.server().messages().pendingFor("bob", device, 1).isEmpty());

            assertEquals(200, bob.register("bob-secret", "").status());
            assertTrue(bob.receivesNothing(TestUa.STORED_MESSAGE, Duration.ofSeconds(2)), "the message was delivered twice");
        }
    }

    /**
     * Delivery is one message after the other, so the second stored message arriving proves the 2xx
     * of the first was taken. A kill -9 then must not bring the first back, and must not lose the
     * second, which was sent but never acknowledged.
     */
    @Test
    void acknowledgedMessageStaysAcknowledgedAndUnacknowledgedOneIsRedeliveredAfterKillDashNine()
            throws Exception {
        config = TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("im.device-answer-ms", "1000").create(root);
        serve(config.configDir());
        awaitServing();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        try (TestUa alice = new TestUa("alice", config); TestUa bob = new TestUa("bob", config)) {
            assertEquals(202, alice.sendWithAuth(alice.messageRequest("sip:bob@" + TestServer.DOMAIN, first, "text/plain;charset=UTF-8", "first"),
                    "alice-secret").status());
            assertEquals(202, alice.sendWithAuth(alice.messageRequest("sip:bob@" + TestServer.DOMAIN, second, "text/plain;charset=UTF-8", "second"),
                    "alice-secret").status());
            assertEquals(200, bob.register("bob-secret", "").status());
            SipText one = bob.await(TestUa.STORED_MESSAGE, Duration.ofSeconds(5));
            assertEquals(first, one.header("call-id").orElseThrow(), one.toString());
            bob.respond(one, 200, "OK", "b", null, null);
            SipText two = bob.await(m -> TestUa.STORED_MESSAGE.test(m) && !first.equals(m.header("call-id").orElse("")),
                    Duration.ofSeconds(5));
            assertEquals(second, two.header("call-id").orElseThrow(), two.toString());

            process.destroyForcibly(); // SIGKILL with "second" sent but not acknowledged
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "the server survived SIGKILL");
            config.start();

            assertEquals(200, bob.register("bob-secret", "").status());
            SipText again = bob.await(m -> TestUa.STORED_MESSAGE.test(m) && !sameTransaction(m, two), Duration.ofSeconds(5));
            assertEquals(second, again.header("call-id").orElseThrow(),
                    "after the restart the acknowledged message came back instead of the unacknowledged one: " + again);
            bob.respond(again, 200, "OK", "b", null, null);
            assertTrue(bob.receivesNothing(m -> TestUa.STORED_MESSAGE.test(m) && !sameTransaction(m, two)
                    && !sameTransaction(m, again), Duration.ofSeconds(2)), "a message was delivered twice");
        }
    }

    private static boolean sameTransaction(SipText a, SipText b) {
        return a.header("via").equals(b.header("via")) && a.header("cseq").equals(b.header("cseq"));
    }


    /** {@code liaison serve --config DIR} as its own JVM, on the test class path (as in ServeCommandTest). */
    private void serve(Path configDir) throws IOException {
        log = root.resolve("liaison-" + System.nanoTime() + ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SipServerMain.class.getName(),
                "serve", "--config", configDir.toString());
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private void awaitServing() {
        await("the server to log that it is serving").atMost(Duration.ofSeconds(20)).until(() -> LogFiles.read(log).contains("serving sip domain"));
    }
}
