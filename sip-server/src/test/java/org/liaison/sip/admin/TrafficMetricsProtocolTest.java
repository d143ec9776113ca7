package org.liaison.sip.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * The figures of issue 14's list that the first admin listener lacked, each moved by real SIP over
 * loopback and read from /metrics as Prometheus reads it: responses sent by method and status class
 * (the server's own, stateless and stateful, and those it relays), users with a registered device,
 * guessing-defence blocks in force, and calls in progress when media is not relayed.
 */
class TrafficMetricsProtocolTest {
    private static final String SENT = "liaison_sip_responses_sent_total";

    @RegisterExtension
    final AdminFixture fixture = AdminFixture.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002").user("carol", "carol-secret", "1003"));

    @Test
    void responsesSentAreCountedByMethodAndStatusClassOwnAndRelayedOnes() throws Exception {
        try (TestUa alice = new TestUa("alice", fixture.server()); TestUa bob = new TestUa("bob", fixture.server())) {
            String beforeRegister = scrape(fixture.adminPort());
            assertEquals(200, alice.register("alice-secret", "").status());
            // the challenge, sent without a transaction, and the 200
            counted(() -> {
                String registered = scrape(fixture.adminPort());
                assertEquals(1, delta(beforeRegister, registered, SENT, "REGISTER", "4xx"));
                assertEquals(1, delta(beforeRegister, registered, SENT, "REGISTER", "2xx"));
            });
            assertEquals(200, bob.register("bob-secret", "").status());
            // bob's 200 is counted just after it is sent: the figures below start once it is
            counted(() -> assertEquals(2, delta(beforeRegister, scrape(fixture.adminPort()), SENT, "REGISTER", "2xx")));

            String before = scrape(fixture.adminPort());
            String callId = UUID.randomUUID().toString();
            Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + TestServer.DOMAIN, callId,
                    Calls.SDP);
            SipText invite = bob.awaitRequest("INVITE");
            bob.respond(invite, 180, "Ringing", "bobcall", null, null);
            alice.await(m -> m.isResponse() && m.status() == 180, java.time.Duration.ofSeconds(5));
            bob.respond(invite, 200, "OK", "bobcall", "Content-Type: application/sdp\r\n", Calls.SDP);
            SipText ok = alice.awaitResponse("INVITE", 200);
            Calls.ack(alice, bob, ok);
            assertEquals(200, Calls.hangUp(alice, bob, ok));
            // a CANCEL of nothing: answered 481 by the proxy itself
            alice.send(Calls.cancelOf(Calls.invite(alice, "sip:bob@" + TestServer.DOMAIN, "no-such-call")));
            assertEquals(481, alice.awaitResponse("CANCEL", 200).status());
            counted(() -> {
                String after = scrape(fixture.adminPort());
                assertEquals(1, delta(before, after, SENT, "INVITE", "4xx"), "the 407");
                assertEquals(2, delta(before, after, SENT, "INVITE", "1xx"), "our 100 Trying and bob's 180");
                assertEquals(1, delta(before, after, SENT, "INVITE", "2xx"), "bob's 200");
                assertEquals(1, delta(before, after, SENT, "BYE", "2xx"));
                assertEquals(1, delta(before, after, SENT, "CANCEL", "4xx"));
                assertEquals(0, delta(before, after, SENT, "REGISTER", "2xx"));
            });
        }
    }

    /** Refused by the edge before any parser or transaction saw them, over UDP and over TCP: answered, so counted. */
    @Test
    void refusalsOfMalformedRequestsAreCountedAsResponsesSent() throws Exception {
        try (TestUa overUdp = new TestUa("alice", fixture.server());
                TestUa overTcp = new TestUa("alice", fixture.server(), true)) {
            String before = scrape(fixture.adminPort());
            for (TestUa ua : new TestUa[] {overUdp, overTcp}) {
                // RFC 4475 §3.1.2.19-like: a single-value header twice
                ua.send(ua.optionsRequest().replace("Max-Forwards: 70\r\n",
                        "Max-Forwards: 70\r\nMax-Forwards: 69\r\n"));
                assertEquals(400, ua.awaitResponse("OPTIONS", 200).status());
            }
            counted(() -> assertEquals(2, delta(before, scrape(fixture.adminPort()), SENT, "OPTIONS", "4xx")));
        }
    }

    @Test
    void registeredUsersCountsUsersWithADeviceNotDevices() throws Exception {
        try (TestUa alicePhone = new TestUa("alice", fixture.server());
                TestUa aliceDesk = new TestUa("alice", fixture.server());
                TestUa bob = new TestUa("bob", fixture.server())) {
            assertEquals(0.0, value(scrape(fixture.adminPort()), "liaison_registered_users"));
            assertEquals(200, alicePhone.register("alice-secret", "").status());
            assertEquals(200, aliceDesk.register("alice-secret", "").status());
            assertEquals(200, bob.register("bob-secret", "").status());
            String registered = scrape(fixture.adminPort());
            assertEquals(3.0, value(registered, "liaison_registered_devices"));
            assertEquals(2.0, value(registered, "liaison_registered_users"));
            assertEquals(3.0, value(registered, "liaison_users"), "the provisioned accounts, unchanged");

            assertEquals(200, bob.sendWithAuth(bob.registerRequest(UUID.randomUUID().toString(), 0, ""),
                    "bob-secret").status());
            assertEquals(1.0, value(scrape(fixture.adminPort()), "liaison_registered_users"));
        }
    }

    @Test
    void blocksInForceAreAGaugeBesideTheCounterOfBlocksStarted() throws Exception {
        String pairBlocks = "liaison_auth_blocks_active{kind=\"pair\"}";
        assertEquals(0.0, value(scrape(fixture.adminPort()), pairBlocks));
        try (TestUa guesser = new TestUa("alice", fixture.server())) {
            // auth.max-failures-per-source-user, shipped 10: the tenth wrong password blocks the pair
            for (int i = 0; i < 10; i++) {
                guesser.sendWithAuth(guesser.registerRequest(UUID.randomUUID().toString(), 3600, ""), "guess" + i);
            }
        }
        String blocked = scrape(fixture.adminPort());
        assertEquals(1.0, value(blocked, pairBlocks));
        assertEquals(0.0, value(blocked, "liaison_auth_blocks_active{kind=\"source\"}"));
        assertEquals(0.0, value(blocked, "liaison_auth_blocks_active{kind=\"user\"}"));
        assertEquals(1.0, value(blocked, "liaison_auth_blocks_total"));
    }

    /** media.relay = never: the proxy still knows its calls, and the metric says so. */
    @Test
    void callsInProgressAndSetUpAreCountedWhenMediaIsNotRelayed(@TempDir Path root) throws Exception {
        int adminPort = FreePorts.udpAndTcp();
        TestServer server = TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("media.relay", "never").property("admin.port", Integer.toString(adminPort)).start(root);
        try (TestUa alice = new TestUa("alice", server); TestUa bob = new TestUa("bob", server)) {
            assertEquals(200, alice.register("alice-secret", "").status());
            assertEquals(200, bob.register("bob-secret", "").status());
            Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + TestServer.DOMAIN,
                    UUID.randomUUID().toString(), Calls.SDP);
            SipText invite = bob.awaitRequest("INVITE");
            SipText ok = Calls.answer(alice, bob, invite, "bobcall");
            String up = scrape(adminPort);
            assertEquals(1.0, value(up, "liaison_calls_in_progress"));
            assertEquals(1.0, value(up, "liaison_calls_set_up_total"));

            assertEquals(200, Calls.hangUp(alice, bob, ok));
            await("the call ended").atMost(10, TimeUnit.SECONDS)
                    .until(() -> value(scrape(adminPort), "liaison_calls_in_progress") == 0.0);
            assertEquals(1.0, value(scrape(adminPort), "liaison_calls_set_up_total"));
        } finally {
            server.stop();
        }
    }

    /** /metrics, checked by the Prometheus project's parser. */
    /**
     * The server counts a response right after handing it to the stack, on its own thread: the client may read the
     * response, and scrape, first. The figures must be right within a moment, and stay exact.
     */
    private static void counted(ThrowingRunnable assertions) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(assertions);
    }

    static String scrape(int adminPort) throws Exception {
        HttpResponse<String> response = AdminHttp.get(adminPort, "/metrics");
        assertEquals(200, response.statusCode());
        PrometheusParser.check(response.body());
        return response.body();
    }

    private static double value(String metrics, String series) {
        return PrometheusParser.sample(metrics, series);
    }

    /** How much the series of {@code name} with this method and class moved between two scrapes. */
    private static long delta(String before, String after, String name, String method, String statusClass) {
        String series = name + "{class=\"" + statusClass + "\",method=\"" + method + "\"}";
        return Math.round(value(after, series) - value(before, series));
    }
}
