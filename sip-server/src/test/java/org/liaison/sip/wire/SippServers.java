package org.liaison.sip.wire;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TestServer;

/** The test server as the SIPp tests need it. */
final class SippServers {
    private SippServers() {
    }

    /**
     * A server whose challenges sipp can answer. sipp 3.6 computes MD5 digests only (and AKA), and
     * takes the algorithm from the first challenge: offered "SHA-256, MD5" (the default) it gives up
     * with "createAuthHeader: authentication must use MD5 or AKAv1-MD5".
     */
    static TestServer.Builder builder() {
        return TestServer.builder().property("auth.algorithms", "MD5");
    }

    /**
     * Registers a device of {@code user} from a new port (a sipp run in {@code root}) and returns
     * that port: the server reaches a device where its REGISTER came from, so the device's UAS must
     * then listen on it.
     */
    static int registerDevice(TestServer server, Path root, String user, String password, String device,
            Duration limit) throws Exception {
        int port = FreePorts.udpAndTcp();
        Sipp.Result registered;
        try (Sipp.Run sipp = Sipp.scenario("register-device.xml").named("register-" + user + "-" + device)
                .in(root).to(server.host(), server.port()).localPort(port)
                .injection(Sipp.injectionFile(root.resolve(user + "-" + device + ".csv"),
                        List.of(user + ";" + Sipp.authentication(user, password))))
                .key("domain", TestServer.DOMAIN).key("instance", "urn:uuid:" + UUID.randomUUID())
                .timeout(limit).start()) {
            registered = sipp.await();
        }
        registered.assertAllSucceeded(1);
        return port;
    }
}
