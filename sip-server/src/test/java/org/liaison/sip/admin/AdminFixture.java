package org.liaison.sip.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.liaison.media.MediaRelay;
import org.liaison.media.RelayConfig;
import org.liaison.media.relay.RelaySessions;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.UdpPorts;

/**
 * Before each test, a real server with everything the admin listener reports on: the in-process
 * relay on {@link #RELAY_PORTS} free loopback ports, TLS (a certificate to expire), provisioning,
 * and the admin listener on a free port; closed after the test. Registered with
 * {@code @RegisterExtension}.
 */
final class AdminFixture implements BeforeEachCallback, AfterEachCallback {
    static final int RELAY_PORTS = 20;

    private final TestServer.Builder users;
    private Path root;
    private TestServer server;
    private MediaRelay relay;
    private int adminPort;

    private AdminFixture(TestServer.Builder users) {
        this.users = users;
    }

    /** {@code users}: a builder with the test's users. */
    static AdminFixture started(TestServer.Builder users) {
        return new AdminFixture(users);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        root = Files.createTempDirectory("liaison-admin");
        int portMin = UdpPorts.freeBlock(RELAY_PORTS);
        relay = RelaySessions.start(new RelayConfig(InetAddress.getLoopbackAddress(), portMin,
                portMin + RELAY_PORTS - 1, Duration.ofSeconds(30), Duration.ofSeconds(3), List.of(),
                TestServer.LOOPBACK_MEDIA, 8));
        adminPort = FreePorts.udpAndTcp();
        server = users.withTls().withProvisioning().mediaRelay(relay)
                .property("admin.port", Integer.toString(adminPort)).start(root);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (server != null) {
            server.stop();
        }
        relay.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(AdminFixture::delete);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TestServer server() {
        return server;
    }

    int adminPort() {
        return adminPort;
    }
}
