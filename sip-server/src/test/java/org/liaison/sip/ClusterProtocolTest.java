package org.liaison.sip;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import org.liaison.provisioning.enrolment.Redemption;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.cluster.RedisEnrolmentTokens;
import org.liaison.sip.cluster.RedisUnreachable;
import org.liaison.sip.testing.CapturedLog;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * The server in cluster mode (cluster.redis-uri set): registrations live in a real redis-server. With each transport
 * a node URI may name.
 */
@ParameterizedClass(name = "node URIs with transport={0}")
@ValueSource(strings = {"udp", "tcp"})
class ClusterProtocolTest {
    private static final String DOMAIN = TestServer.DOMAIN;
    private static final String BINDINGS_OF_BOB = "liaison:reg:bob";

    /** Emptied before each test, before its first node starts and writes the cluster's shared secrets. */
    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();

    /** The transport of the nodes' {@code cluster.node-uri}. */
    private final String nodeTransport;
    @RegisterExtension
    final LiaisonServer liaison;
    @Agent TestUa alice;
    @Agent TestUa bob;

    ClusterProtocolTest(String nodeTransport) {
        this.nodeTransport = nodeTransport;
        this.liaison = LiaisonServer.started(node(redis.uri()));
    }

    private TestServer.Builder node(String redisUri) {
        return TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("cluster.redis-uri", redisUri)
                .property("cluster.node-uri", "sip:127.0.0.1;transport=" + nodeTransport);
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
    void aByeThroughAnotherNodeIsForwardedBecauseTheNodesShareTheRouteTokenKey() throws Exception {
        TestServer nodeB = liaison.own(node(redis.uri()).start(liaison.directory().resolve("node-b")));
        assertEquals(200, bob.register("bob-secret", "").status());
        String callId = UUID.randomUUID().toString();
        Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + DOMAIN, callId, Calls.SDP);
        SipText invite = bob.awaitRequest("INVITE");
        SipText ok = Calls.answer(alice, bob, invite, "bobtag");

        // node A is gone for this phone (it moved to node B, e.g. by DNS SRV): the same route set, at B's port
        String nodeA = ":" + liaison.server().port() + ";";
        List<String> routesThroughB = new ArrayList<>(Calls.recordRoutes(ok));
        Collections.reverse(routesThroughB);
        routesThroughB.replaceAll(route -> route.replace(nodeA, ":" + nodeB.port() + ";"));
        assertTrue(routesThroughB.get(0).contains(";ltok="), routesThroughB.toString());
        TestUa aliceOnB = liaison.own(new TestUa("alice", nodeB));
        aliceOnB.send(Calls.inDialog(aliceOnB, "BYE", Calls.contactUri(ok.header("contact").orElseThrow()),
                routesThroughB, ok.header("from").orElseThrow(), ok.header("to").orElseThrow(), callId, "3 BYE"));

        SipText bye = bob.awaitRequest("BYE");
        assertTrue(bye.header("via").orElseThrow().contains(":" + nodeB.port()), bye.toString());
        bob.respond(bye, 200, "OK", null, null, null);
        assertEquals(200, aliceOnB.awaitResponse("BYE", 200).status());
    }

    /**
     * Each node counts its own nonces (no Redis round trip per authenticated request): a phone that answers one
     * node's challenge to another, as after a failover, gets a stale challenge, and its automatic retry registers.
     */
    @Test
    void aNonceIssuedByOneNodeIsStaleOnAnotherAndThePhonesRetryRegisters() throws Exception {
        TestServer nodeB = liaison.own(node(redis.uri()).start(liaison.directory().resolve("node-b")));
        alice.send(alice.registerRequest(UUID.randomUUID().toString(), 3600, "").replace("{auth}", ""));
        SipText challengeFromA = alice.awaitResponse("REGISTER", 200);
        assertEquals(401, challengeFromA.status());

        TestUa aliceOnB = liaison.own(new TestUa("alice", nodeB));
        String callId = UUID.randomUUID().toString();
        aliceOnB.send(aliceOnB.answering(aliceOnB.registerRequest(callId, 3600, ""), challengeFromA, "alice-secret"));
        SipText stale = aliceOnB.awaitResponse("REGISTER", 200);
        assertEquals(401, stale.status(), stale.toString());
        assertTrue(stale.header("www-authenticate").orElseThrow().contains("stale=TRUE"), stale.toString());

        aliceOnB.send(aliceOnB.answering(aliceOnB.registerRequest(callId, 3600, ""), stale, "alice-secret"));
        SipText answer = aliceOnB.awaitResponse("REGISTER", 200);
        assertEquals(200, answer.status(), answer.toString());
    }

    @Test
    void aRequestAcceptedByOneNodeCannotBeReplayedThroughAnother() throws Exception {
        TestServer nodeB = liaison.own(node(redis.uri()).start(liaison.directory().resolve("node-b")));
        assertEquals(200, bob.register("bob-secret", "").status());
        String message = alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(), "text/plain",
                "pay 100 to mallory");
        TestUa.Challenged exchange = alice.sendAnsweringChallenge(message, "alice-secret");
        assertEquals(407, exchange.first().status());
        SipText received = bob.awaitRequest("MESSAGE");
        bob.respond(received, 200, "OK", "b", null, null);
        assertEquals(200, alice.awaitResponse("MESSAGE", 200).status());

        // the same bytes (nonce and nonce-count included), captured on the wire and sent to the other node
        TestUa replayer = liaison.own(new TestUa("alice", nodeB));
        replayer.send(exchange.retry());

        SipText answer = replayer.awaitResponse("MESSAGE", 200);
        assertEquals(407, answer.status(), answer.toString());
        assertTrue(answer.header("proxy-authenticate").orElseThrow().contains("stale=TRUE"), answer.toString());
        assertTrue(bob.receivesNothing(m -> !m.isResponse() && "MESSAGE".equals(m.method()), Duration.ofSeconds(1)),
                "the replayed MESSAGE reached bob");
    }

    /**
     * A phone's captured de-REGISTER, replayed through another node after the phone registered again with a new
     * Call-ID, would remove its registration (RFC 3261 §10.3 step 7 orders CSeqs within one Call-ID only). Its nonce
     * is not the other node's, so it is refused as stale.
     */
    @Test
    void aRegisterAcceptedByOneNodeCannotBeReplayedThroughAnother() throws Exception {
        TestServer nodeB = liaison.own(node(redis.uri()).start(liaison.directory().resolve("node-b")));
        assertEquals(200, alice.register("alice-secret", "").status());
        TestUa.Challenged leaving = alice.sendAnsweringChallenge(alice.registerRequest(UUID.randomUUID().toString(),
                0, ""), "alice-secret");
        assertEquals(200, alice.awaitResponse("REGISTER", 200).status());
        assertEquals(":0", redis.command("EXISTS", "liaison:reg:alice"));
        assertEquals(200, alice.register("alice-secret", "").status(), "the phone restarts: a new Call-ID");

        TestUa replayer = liaison.own(new TestUa("alice", nodeB));
        replayer.send(leaving.retry());

        SipText answer = replayer.awaitResponse("REGISTER", 200);
        assertEquals(401, answer.status(), answer.toString());
        assertTrue(answer.header("www-authenticate").orElseThrow().contains("stale=TRUE"), answer.toString());
        assertEquals(":1", redis.command("EXISTS", "liaison:reg:alice"), "alice is still registered");
    }

    @Test
    void anEnrolmentLinkSpentThroughOneNodeIsRefusedByAnother() throws Exception {
        TestServer nodeA = liaison.own(node(redis.uri()).withTls().withProvisioning()
                .start(liaison.directory().resolve("https-a")));
        TestServer nodeB = liaison.own(node(redis.uri()).withTls().withProvisioning()
                .start(liaison.directory().resolve("https-b")));
        String token;
        try (ClusterRedis admin = ClusterRedis.connect(redis.uri())) {
            token = new RedisEnrolmentTokens(admin, Duration.ofHours(1), Clock.systemUTC()).issue("alice").token();
        }

        assertEquals(200, enrol(nodeA, token).statusCode());
        HttpResponse<String> again = enrol(nodeB, token);
        assertEquals(410, again.statusCode(), again.body());
    }

    @Test
    void theOnboardingCommandPutsItsLinksWhereEveryNodeRedeemsThem() throws Exception {
        TestServer config = node(redis.uri()).create(liaison.directory().resolve("admin"));
        Path out = liaison.directory().resolve("links");

        assertEquals(0, SipServerMain.run(new String[] {"onboarding", "alice", out.toString(), "--config",
                config.configDir().toString()}));

        Matcher link = Pattern.compile("/p/([A-Za-z0-9_-]{43})").matcher(Files.readString(out.resolve("alice.html")));
        assertTrue(link.find());
        assertFalse(Files.exists(config.dataDir().resolve("enrolment-tokens")), "cluster mode keeps tokens in Redis");
        try (ClusterRedis node = ClusterRedis.connect(redis.uri())) {
            assertEquals(new Redemption.Accepted("alice"),
                    new RedisEnrolmentTokens(node, Duration.ofHours(1), Clock.systemUTC()).redeem(link.group(1)));
        }
    }

    /** GET /p/TOKEN on {@code node}'s HTTPS provisioning, trusting only that node's own CA. */
    private static HttpResponse<String> enrol(TestServer node, String token) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream ca = Files.newInputStream(node.dataDir().resolve("ca.pem"))) {
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + node.httpPort() + "/p/" + token))
                .timeout(Duration.ofSeconds(10)).build();
        return client.send(get, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void whileRedisIsAwayRequestsGet503WithRetryAfterOneWarningIsLoggedAndServiceResumesByItself() throws Exception {
        assertEquals(200, bob.register("bob-secret", "").status());
        List<String> warnings;
        try (CapturedLog log = CapturedLog.start()) {
            redis.server().close();

            // RFC 3261 §21.5.4, §20.33: not 500; the phone tries again later, or another node at once
            assertRetryLater(bob.register("bob-secret", ""));
            assertRetryLater(bob.register("bob-secret", ""));
            assertRetryLater(alice.sendWithAuth(Calls.invite(alice, "sip:bob@" + DOMAIN, UUID.randomUUID().toString()),
                    "alice-secret"));
            assertRetryLater(alice.sendWithAuth(alice.messageRequest("sip:bob@" + DOMAIN, UUID.randomUUID().toString(),
                    "text/plain", "while away"), "alice-secret"));

            redis.server().startAgain();
            await("the node to reconnect to Redis").atMost(Duration.ofSeconds(40))
                    .until(() -> bob.register("bob-secret", "").status() == 200);
            assertEquals(":1", redis.command("EXISTS", BINDINGS_OF_BOB));
            await("the outage's end to be logged").atMost(Duration.ofSeconds(10))
                    .until(() -> log.has(Level.INFO, "reachable again"));
            warnings = log.warnings();
        }
        assertEquals(1, warnings.size(), "one warning for the outage, not one per request: " + warnings);
        assertTrue(warnings.get(0).contains("unreachable"), warnings.get(0));

        // a message to a device that is away is stored in Redis again, and delivered when it registers
        String unregister = bob.registerRequest(UUID.randomUUID().toString(), 0, "");
        assertEquals(200, bob.sendWithAuth(unregister, "bob-secret").status());
        // a 503 kept nothing; the message store shares the node's connection, which may be back a moment later
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
