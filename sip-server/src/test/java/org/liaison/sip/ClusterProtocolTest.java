package org.liaison.sip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.cluster.RedisUnreachable;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.im.redis.RedisServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;
import org.slf4j.LoggerFactory;

/** The server in cluster mode (cluster.redis-uri set): registrations live in a real redis-server. */
class ClusterProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;
    private static final String BINDINGS_OF_BOB = "liaison:reg:bob";

    @TempDir
    static Path redisDir;
    private static RedisServer redis;

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(node(redis.uri()));
    @Agent TestUa alice;
    @Agent TestUa bob;

    @BeforeAll
    static void startRedis() throws IOException {
        redis = RedisServer.durable(redisDir);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void noRegistrationOfAnEarlierTest() throws IOException {
        assertEquals("+OK", redis.command("FLUSHALL"));
    }

    private static TestServer.Builder node(String redisUri) {
        return TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("cluster.redis-uri", redisUri).property("cluster.node-uri", "sip:127.0.0.1;transport=udp");
    }

    @Test
    void aCallAndAMessageReachADeviceWhoseRegistrationIsInRedis() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        assertEquals(":1", redis.command("EXISTS", BINDINGS_OF_BOB));
        assertFalse(Files.exists(liaison.server().dataDir().resolve("location.journal")),
                "cluster mode keeps registrations out of data.dir");

        String callId = UUID.randomUUID().toString();
        assertEquals(407, alice.sendAnsweringChallenge(Calls.invite(alice, "sip:bob@" + DOMAIN, callId), "alice-secret")
                .first().status());
        SipText invite = bob.awaitRequest("INVITE");
        assertEquals(bob.contact(), invite.requestUri());
        SipText ok = Calls.answer(alice, bob, invite, "bobtag");
        Calls.ack(alice, bob, ok);
        assertEquals(200, Calls.hangUp(alice, bob, ok));

        String message = alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain", "hi");
        assertEquals(407, alice.sendAnsweringChallenge(message, "alice-secret").first().status());
        SipText received = bob.awaitRequest("MESSAGE");
        assertEquals("hi", received.body());
        bob.respond(received, 200, "OK", "b", null, null);
        assertEquals(200, alice.awaitResponse("MESSAGE", 200).status());
    }

    @Test
    void aRegistrationOutlivesItsNodeAndAnotherNodeRoutesToIt() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        TestServer nodeB = liaison.own(node(redis.uri()).start(liaison.directory().resolve("node-b")));
        liaison.server().stop();

        TestUa aliceOnB = liaison.own(new TestUa("alice", nodeB));
        String message = aliceOnB.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                "through node b");
        assertEquals(407, aliceOnB.sendAnsweringChallenge(message, "alice-secret").first().status());
        SipText received = bob.awaitRequest("MESSAGE");
        assertEquals("through node b", received.body());
        assertTrue(received.header("via").orElseThrow().contains(":" + nodeB.port()), received.toString());
    }

    @Test
    void whileRedisIsAwayRequestsGet503WithRetryAfterOneWarningIsLoggedAndServiceResumesByItself() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        List<ILoggingEvent> log = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                log.add(event);
            }
        };
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        capture.start();
        root.addAppender(capture);
        try {
            redis.close();

            // RFC 3261 §21.5.4, §20.33: not 500; the phone tries again later, or another node at once
            assertRetryLater(bob.register("bob-secret", ""));
            assertRetryLater(bob.register("bob-secret", ""));
            assertRetryLater(alice.sendWithAuth(Calls.invite(alice, "sip:bob@" + DOMAIN, UUID.randomUUID().toString()),
                    "alice-secret"));
            assertRetryLater(alice.sendWithAuth(alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(),
                    "text/plain", "while away"), "alice-secret"));

            redis.startAgain();
            await("the node to reconnect to Redis").atMost(Duration.ofSeconds(40))
                    .until(() -> bob.register("bob-secret", "").status() == 200);
            assertEquals(":1", redis.command("EXISTS", BINDINGS_OF_BOB));
            await("the outage's end to be logged").atMost(Duration.ofSeconds(10)).until(() -> log.stream()
                    .anyMatch(e -> e.getLevel() == Level.INFO && e.getFormattedMessage().contains("reachable again")));
        } finally {
            root.detachAppender(capture);
        }
        List<String> warnings = log.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
        assertEquals(1, warnings.size(), "one warning for the outage, not one per request: " + warnings);
        assertTrue(warnings.get(0).contains("unreachable"), warnings.get(0));

        // a message to a device that is away is stored in Redis again, and delivered when it registers
        String unregister = bob.registerRequest(UUID.randomUUID().toString(), 0, "");
        assertEquals(200, bob.sendWithAuth(unregister, "bob-secret").status());
        // the store has its own connection, which lettuce may bring back a moment later: a 503 kept nothing
        await("the message store to take messages again").atMost(Duration.ofSeconds(40)).until(() -> alice.sendWithAuth(
                alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain", "back"),
                "alice-secret").status() == 202);
        assertEquals(200, bob.register("bob-secret", "").status());
        SipText delivered = bob.awaitRequest("MESSAGE");
        assertEquals("back", delivered.body());
        bob.respond(delivered, 200, "OK", "b", null, null);
    }

    private static void assertRetryLater(SipText response) {
        assertEquals(503, response.status(), response.toString());
        assertEquals("5", response.header("retry-after").orElseThrow(() -> new AssertionError(response.toString()))
                .trim(), response.toString());
    }

    @Test
    void withRedisUnreachableTheServerRefusesToStartNamingTheKey() throws Exception {
        String nowhere = "redis://127.0.0.1:" + FreePorts.udpAndTcp();
        TestServer server = node(nowhere).create(liaison.directory().resolve("no-redis"));

        RedisUnreachable e = assertThrows(RedisUnreachable.class, server::start);

        assertTrue(e.getMessage().startsWith("cluster.redis-uri " + nowhere + ": cannot reach Redis"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
