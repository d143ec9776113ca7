package org.liaison.sip.admin;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * The admin listener of a real server (issue 14): /metrics parses with the Prometheus project's own
 * text-format parser (python3-prometheus-client) and its counters move with real traffic (a
 * registration, a call through the in-process relay with RTP, a stored message); the health
 * endpoints; {@code bin/liaison status} against the running server and against none.
 */
class AdminProtocolTest {
    @RegisterExtension
    final AdminFixture fixture = AdminFixture.started(
            TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002"));

    @Test
    void metricsParseAndMoveWithRegistrationsCallsAndStoredMessages() throws Exception {
        Map<String, Double> before = scrape();
        assertEquals(0.0, before.get("liaison_registered_devices"));
        assertEquals(0.0, before.get("liaison_messages_stored_total"));

        try (TestUa alice = new TestUa("alice", fixture.server()); TestUa bob = new TestUa("bob", fixture.server());
                DatagramSocket aliceMedia = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket bobMedia = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            assertEquals(200, alice.register("alice-secret", "").status());
            // a message to bob before he registers is kept for him
            String message = alice.messageRequest("sip:bob@" + TestServer.DOMAIN, UUID.randomUUID().toString(),
                    "text/plain", "are you there?");
            assertEquals(202, alice.sendWithAuth(message, "alice-secret").status());
            Map<String, Double> stored = scrape();
            assertEquals(1.0, stored.get("liaison_registered_devices"));
            assertEquals(1.0, stored.get("liaison_messages_stored_total"));
            assertEquals(1.0, stored.get("liaison_messages_queued"));
            assertTrue(stored.get("liaison_sip_requests_received_total") >= 4, stored.toString());

            assertEquals(200, bob.register("bob-secret", "").status());
            SipText delivered = bob.awaitRequest("MESSAGE");
            bob.respond(delivered, 200, "OK", "bobtag", null, null);
            await("the stored message delivered").atMost(10, TimeUnit.SECONDS)
                    .until(() -> scrape().get("liaison_messages_delivered_total") == 1.0);

            String callId = UUID.randomUUID().toString();
            Calls.sendAuthenticated(alice, "alice-secret", "sip:bob@" + TestServer.DOMAIN, callId,
                    sdp(aliceMedia.getLocalPort()));
            SipText invite = bob.awaitRequest("INVITE");
            int relayPortForAlice = mediaPort(invite.body());
            bob.respond(invite, 200, "OK", "bobcall", "Content-Type: application/sdp\r\n",
                    sdp(bobMedia.getLocalPort()));
            SipText ok = alice.awaitResponse("INVITE", 200);
            Calls.ack(alice, bob, ok);
            int relayPortForBob = mediaPort(ok.body());
            assertEquals(1.0, scrape().get("liaison_calls_in_progress"));

            byte[] rtp = new byte[172];
            rtp[0] = (byte) 0x80;
            for (int i = 0; i < 5; i++) {
                aliceMedia.send(new DatagramPacket(rtp, rtp.length, InetAddress.getLoopbackAddress(), relayPortForBob));
            }
            bobMedia.setSoTimeout(5000);
            bobMedia.receive(new DatagramPacket(new byte[2048], 2048));
            await("packets counted").atMost(10, TimeUnit.SECONDS)
                    .until(() -> scrape().get("liaison_relay_packets_forwarded_total") >= 1);
            Map<String, Double> during = scrape();
            assertEquals(1.0, during.get("liaison_calls_set_up_total"));
            assertEquals(1.0, during.get("liaison_relay_calls"));
            assertTrue(during.get("liaison_relay_bytes_forwarded_total") >= 172, during.toString());
            assertTrue(relayPortForAlice > 0);
            assertEquals(200, Calls.hangUp(alice, bob, ok));
            await("the call ended").atMost(10, TimeUnit.SECONDS)
                    .until(() -> scrape().get("liaison_calls_in_progress") == 0.0);
            // counters of an ended call stay counted
            assertTrue(scrape().get("liaison_relay_packets_forwarded_total") >= 1);
        }
    }

    @Test
    void healthIsLiveAndReadyOnceServingWithoutTheLevelsOfDetailOfTheMetrics() throws Exception {
        assertEquals(200, AdminHttp.get(fixture.adminPort(), "/health/live").statusCode());
        HttpResponse<String> ready = AdminHttp.get(fixture.adminPort(), "/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("ready\n", ready.body());
        assertEquals(404, AdminHttp.get(fixture.adminPort(), "/nothing").statusCode());
    }

    @Test
    void statusPrintsTheLiveFiguresOfTheRunningServer() throws Exception {
        try (TestUa alice = new TestUa("alice", fixture.server())) {
            assertEquals(200, alice.register("alice-secret", "").status());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new StatusCommand(LiaisonConfig.load(fixture.server().configDir()), new PrintStream(out, true),
                new PrintStream(err, true), Clock.systemUTC()).run(false);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.matches("(?s).*Devices registered\\s+1\\n.*"), printed);
        assertTrue(printed.matches("(?s).*Users registered\\s+1\\n.*"), printed);
        assertTrue(printed.matches("(?s).*Auth blocks\\s+0 in force, 0 started, 0 requests refused\\n.*"), printed);
        assertTrue(printed.matches("(?s).*Calls now\\s+0\\n.*"), printed);
        assertTrue(printed.matches("(?s).*Relay load\\s+0 streams, " + AdminFixture.RELAY_PORTS + " ports free\\n.*"),
                printed);
        // a certificate made now by the private CA: valid for long
        assertTrue(printed.matches("(?s).*Certificate days left\\s+\\d{2,}\\n.*"), printed);
    }

    @Test
    void statusWatchRedrawsTheFiguresUntilInterrupted() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream printed = new PrintStream(out, true, StandardCharsets.UTF_8);
        StatusCommand status = new StatusCommand(LiaisonConfig.load(fixture.server().configDir()), printed, printed,
                Clock.systemUTC());
        Thread watch = new Thread(() -> {
            try {
                status.run(true);
            } catch (InterruptedException stopped) {
                // Ctrl-C, as far as a test can press it
            }
        });
        watch.start();
        await("two screens").atMost(15, TimeUnit.SECONDS)
                .until(() -> out.toString(StandardCharsets.UTF_8).split("\033\\[H\033\\[2J").length >= 3);
        watch.interrupt();
        watch.join(5000);
        assertFalse(watch.isAlive());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Devices registered"));
    }

    @Test
    void statusOfAServerThatIsNotRunningIsOneLineAndExitStatusOne() throws Exception {
        LiaisonConfig config = LiaisonConfig.load(fixture.server().configDir());
        fixture.server().stop();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new StatusCommand(config, new PrintStream(new ByteArrayOutputStream(), true),
                new PrintStream(err, true), Clock.systemUTC()).run(false);
        assertEquals(1, status);
        String line = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.startsWith("liaison: no server answers at http://127.0.0.1:" + fixture.adminPort()
                + "/metrics"), line);
    }

    /** conf/grafana/liaison-dashboard.json has no dead panel: every metric and label it queries is exposed. */
    @Test
    void everyMetricAndLabelTheGrafanaDashboardQueriesIsExposed() throws Exception {
        String dashboard = Files.readString(
                TestServer.SHIPPED_CONF.resolve("grafana").resolve("liaison-dashboard.json"));
        String metrics = AdminHttp.get(fixture.adminPort(), "/metrics").body();
        Set<String> exposed = new HashSet<>();
        metrics.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .forEach(line -> exposed.add(line.split("[{ ]", 2)[0]));
        Matcher query = Pattern.compile("\"(?:expr|query)\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(dashboard);
        int queried = 0;
        while (query.find()) {
            String expr = query.group(1).replace("\\\"", "\"");
            Matcher name = Pattern.compile("\\b(?:liaison|jvm|process)_[a-z_]+\\b").matcher(expr);
            while (name.find()) {
                queried++;
                assertTrue(exposed.contains(name.group()), name.group() + " queried but not exposed: " + expr);
            }
            Matcher by = Pattern.compile("by \\((\\w+)\\) \\((?:rate\\()?(\\w+)").matcher(expr);
            while (by.find()) {
                assertTrue(metrics.contains(by.group(2) + "{") && metrics.matches("(?s).*\\n" + by.group(2)
                        + "\\{[^}]*" + by.group(1) + "=.*"), by.group(2) + " has no label " + by.group(1));
            }
        }
        assertTrue(queried >= 30, "found only " + queried + " metric names in the dashboard's queries");
    }

    /** /metrics, checked by the Prometheus client library's parser, then summed per name. */
    private Map<String, Double> scrape() throws Exception {
        HttpResponse<String> response = AdminHttp.get(fixture.adminPort(), "/metrics");
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        PrometheusParser.check(response.body());
        return MetricsText.parse(response.body());
    }

    private static String sdp(int port) {
        return Calls.SDP.replace("m=audio 40000", "m=audio " + port);
    }

    private static int mediaPort(String sdp) {
        Matcher m = Pattern.compile("m=audio (\\d+)").matcher(sdp);
        assertTrue(m.find(), sdp);
        return Integer.parseInt(m.group(1));
    }
}
