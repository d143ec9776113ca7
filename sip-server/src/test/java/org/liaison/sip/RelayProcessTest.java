package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.media.ng.NgMediaRelay;
import org.liaison.sip.admin.AdminHttp;
import org.liaison.sip.admin.PrometheusParser;
import org.liaison.sip.config.ConfigException;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.config.RelaySettings;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.UdpPorts;

/**
 * {@code liaison relay}, the relay a cluster's nodes drive over ng: its own /metrics listener on
 * loopback ({@code relay.metrics-port}) carries the liaison_relay_* figures that no node's admin
 * listener can read, and they move with a call set up over ng and media through it.
 */
class RelayProcessTest {
    private static final int RELAY_PORTS = 10;

    @TempDir
    Path root;

    @Test
    void standaloneRelayServesItsOwnMetricsThatMoveWithACallOverNg() throws Exception {
        int metricsPort = FreePorts.udpAndTcp();
        RelaySettings settings = settings(metricsPort);
        try (RelayProcess relay = RelayProcess.start(settings);
                NgMediaRelay ng = NgMediaRelay.to(List.of(settings.control()));
                DatagramSocket alice = StandaloneRelay.phone("127.0.0.1");
                DatagramSocket bob = StandaloneRelay.phone("127.0.0.1")) {
            assertEquals(Optional.of(metricsPort), relay.metricsPort());
            String idle = get(metricsPort, "/metrics").body();
            PrometheusParser.check(idle);
            assertEquals(0.0, value(idle, "liaison_relay_calls"));
            assertEquals(RELAY_PORTS, value(idle, "liaison_relay_ports_free"));
            assertEquals(0.0, value(idle, "liaison_relay_packets_forwarded_total"));

            String toBob = ng.offer("metrics-call", "alicetag", Optional.empty(),
                    StandaloneRelay.sdp("127.0.0.1", alice.getLocalPort()));
            String toAlice = ng.answer("metrics-call", "alicetag", "bobtag",
                    StandaloneRelay.sdp("127.0.0.1", bob.getLocalPort()));
            StandaloneRelay.assertMediaFlows(alice, StandaloneRelay.mediaPort(toAlice), bob, "hello bob");
            StandaloneRelay.assertMediaFlows(bob, StandaloneRelay.mediaPort(toBob), alice, "hello alice");

            String busy = get(metricsPort, "/metrics").body();
            PrometheusParser.check(busy);
            assertEquals(1.0, value(busy, "liaison_relay_calls"));
            assertTrue(value(busy, "liaison_relay_streams") >= 1, busy);
            assertTrue(value(busy, "liaison_relay_ports_free") < RELAY_PORTS, busy);
            assertEquals(2.0, value(busy, "liaison_relay_packets_forwarded_total"));
            assertEquals("hello bob".length() + "hello alice".length(),
                    value(busy, "liaison_relay_bytes_forwarded_total"));
            assertEquals(0.0, value(busy, "liaison_relay_packets_dropped_total{reason=\"wrong-source\"}"));
            assertTrue(busy.contains("\njvm_threads_current "), "the JVM's figures too");
            assertEquals(200, get(metricsPort, "/health/ready").statusCode());
        }
    }

    @Test
    void metricsPortZeroServesNoMetrics() throws Exception {
        try (RelayProcess relay = RelayProcess.start(settings(0))) {
            assertEquals(Optional.empty(), relay.metricsPort());
        }
    }

    /** A relay host where something else has the port: refused naming the key, nothing left open. */
    @Test
    void aTakenMetricsPortIsRefusedNamingTheKeyAndLeavesNothingOpen() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RelaySettings settings = settings(taken.getLocalPort());
            IOException refused = assertThrows(IOException.class, () -> RelayProcess.start(settings));
            assertTrue(refused.getMessage().contains("relay.metrics-port " + taken.getLocalPort()),
                    refused.getMessage());
            // the ng server started before the metrics listener was closed again: its port can be bound
            new DatagramSocket(settings.control()).close();
        }
    }

    /** Plain HTTP without authentication: loopback unless the admin says otherwise, as for the admin listener. */
    @Test
    void aMetricsAddressOffLoopbackIsRefusedNamingTheKey() throws Exception {
        TestServer config = TestServer.builder().property("relay.metrics-address", "192.0.2.1").create(root);
        ConfigException refused = assertThrows(ConfigException.class, () -> LiaisonConfig.load(config.configDir()));
        assertTrue(refused.getMessage().contains("relay.metrics-address"), refused.getMessage());
    }

    private RelaySettings settings(int metricsPort) throws Exception {
        int ngPort = FreePorts.udpAndTcp();
        while (ngPort == metricsPort) {
            ngPort = FreePorts.udpAndTcp();
        }
        int relayPorts = UdpPorts.freeBlock(RELAY_PORTS);
        TestServer config = TestServer.builder().property("relay.control-port", Integer.toString(ngPort))
                .property("relay.metrics-port", Integer.toString(metricsPort))
                .property("relay.port-min", Integer.toString(relayPorts))
                .property("relay.port-max", Integer.toString(relayPorts + RELAY_PORTS - 1))
                .create(root);
        return LiaisonConfig.load(config.configDir()).relay();
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return AdminHttp.get(port, path);
    }

    private static double value(String metrics, String series) {
        return PrometheusParser.sample(metrics, series);
    }
}
