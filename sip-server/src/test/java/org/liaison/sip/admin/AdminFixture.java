package org.liaison.sip.admin;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.liaison.media.MediaRelay;
import org.liaison.media.RelayConfig;
import org.liaison.media.relay.RelaySessions;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.UdpPorts;

/**
 * A real server with everything the admin listener reports on: the in-process relay on
 * {@link #RELAY_PORTS} free loopback ports, TLS (a certificate to expire), provisioning, and the
 * admin listener on a free port.
 */
final class AdminFixture implements AutoCloseable {
    static final int RELAY_PORTS = 20;

    final TestServer server;
    final MediaRelay relay;
    final int adminPort;

    private AdminFixture(TestServer server, MediaRelay relay, int adminPort) {
        this.server = server;
        this.relay = relay;
        this.adminPort = adminPort;
    }

    /** {@code users}: a builder with the test's users. */
    static AdminFixture start(Path root, TestServer.Builder users) throws Exception {
        int portMin = UdpPorts.freeBlock(RELAY_PORTS);
        MediaRelay relay = RelaySessions.start(new RelayConfig(InetAddress.getLoopbackAddress(), portMin,
                portMin + RELAY_PORTS - 1, Duration.ofSeconds(30), Duration.ofSeconds(3), List.of(),
                TestServer.LOOPBACK_MEDIA, 8));
        int adminPort = FreePorts.udpAndTcp();
        try {
            TestServer server = users.withTls().withProvisioning().mediaRelay(relay)
                    .property("admin.port", Integer.toString(adminPort)).start(root);
            return new AdminFixture(server, relay, adminPort);
        } catch (Exception e) {
            relay.close();
            throw e;
        }
    }

    @Override
    public void close() {
        server.stop();
        relay.close();
    }
}
