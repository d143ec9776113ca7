package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.liaison.media.CallStats;
import org.liaison.media.MediaRelay;
import org.liaison.media.RelayConfig;
import org.liaison.media.relay.RelaySessions;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.config.RelaySettings;
import org.liaison.sip.testing.TestServer;

/**
 * The test server with the in-process media relay on a block of free loopback ports, for real
 * clients (users alice, bob, carol; password USER-secret), what the relay counts, and the clients
 * and captures of a test, closed with it. {@link #shipped} runs the shipped configuration, where
 * clients must use TLS.
 */
final class RelayedServer implements AutoCloseable {
    private static final int PORTS = 40;

    private final TestServer server;
    private final MediaRelay relay;
    private final int portMin;
    private final int portMax;
    private final List<AutoCloseable> clients = new ArrayList<>();

    private RelayedServer(TestServer server, MediaRelay relay, int portMin, int portMax) {
        this.server = server;
        this.relay = relay;
        this.portMin = portMin;
        this.portMax = portMax;
    }

    /** {@code encryption}: media.encryption ({@code optional} for SDES over UDP, which mandatory refuses). */
    static RelayedServer start(Path root, String encryption) throws Exception {
        int portMin = UdpPorts.freeBlock(PORTS);
        MediaRelay relay = RelaySessions.start(new RelayConfig(InetAddress.getLoopbackAddress(), portMin,
                portMin + PORTS - 1, Duration.ofSeconds(30), Duration.ofSeconds(3), List.of(), TestServer.LOOPBACK_MEDIA,
                8));
        TestServer server = withUsers(TestServer.builder()).mediaRelay(relay)
                .property("media.encryption", encryption).start(root.resolve("server"));
        return new RelayedServer(server, relay, portMin, portMin + PORTS - 1);
    }

    /** The server on the repository's conf/ as shipped ({@link TestServer.Builder#shippedConfiguration}), its own relay included. */
    static RelayedServer shipped(Path root) throws Exception {
        TestServer server = withUsers(TestServer.builder().shippedConfiguration()).start(root.resolve("server"));
        RelaySettings relay = LiaisonConfig.load(server.configDir()).relay();
        return new RelayedServer(server, server.relay(), relay.portMin(), relay.portMax());
    }

    private static TestServer.Builder withUsers(TestServer.Builder builder) {
        return builder.user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .user("carol", "carol-secret", "1003");
    }

    /** {@code client} is closed with the server, before it. */
    <T extends AutoCloseable> T add(T client) {
        clients.add(client);
        return client;
    }

    /** Over TLS, trusting the server's generated CA, when the server has no UDP listener (the shipped configuration). */
    SipAccount account(String user) {
        return server.port() != 0
                ? new SipAccount(user, user + "-secret", server.domain(), server.host(), server.port())
                : new SipAccount(user, user + "-secret", server.domain(), server.host(), server.tlsPort(),
                        Optional.of(server.dataDir().resolve("ca.pem")));
    }

    /** The address of record of {@code user}, e.g. {@code sip:bob@liaison.test}. */
    String aor(String user) {
        return "sip:" + user + "@" + server.domain();
    }

    TestServer testServer() {
        return server;
    }

    MediaRelay relay() {
        return relay;
    }

    int portMin() {
        return portMin;
    }

    int portMax() {
        return portMax;
    }

    boolean isRelayPort(int port) {
        return port >= portMin && port <= portMax();
    }

    /** The Call-ID of the one call the server relays, once there is one. */
    String awaitCall(Duration timeout) {
        return awaitCall(server, timeout);
    }

    /** The Call-ID of the one call {@code server} relays, once there is one. */
    static String awaitCall(TestServer server, Duration timeout) {
        await("one relayed call").atMost(timeout).until(() -> server.server().media().relayedCallIds().size() == 1);
        Set<String> ids = server.server().media().relayedCallIds();
        return ids.iterator().next();
    }

    /** Packets forwarded, the lesser way, on the call's first stream. */
    long forwarded(String callId) {
        return forwarded(relay, callId);
    }

    private static long forwarded(MediaRelay relay, String callId) {
        return relay.query(callId).flatMap(c -> c.streams().stream().findFirst())
                .map(s -> Math.min(s.packetsAtoB(), s.packetsBtoA())).orElse(0L);
    }

    /** Waits until {@code packets} more have gone each way on the call's first stream. */
    void awaitMediaBothWays(String callId, long packets, Duration timeout) {
        awaitMediaBothWays(relay, callId, packets, timeout);
    }

    /** Waits until {@code packets} more have gone each way on the call's first stream through {@code relay}. */
    static void awaitMediaBothWays(MediaRelay relay, String callId, long packets, Duration timeout) {
        long from = forwarded(relay, callId);
        await(packets + " more packets each way through the relay: " + relay.query(callId)).atMost(timeout)
                .until(() -> forwarded(relay, callId) >= from + packets);
    }

    long wrongSourceDrops(String callId) {
        return relay.query(callId).map(c -> c.streams().stream()
                .mapToLong(s -> s.drops().getOrDefault("wrong-source", 0L)).sum()).orElse(0L);
    }

    CallStats stats(String callId) {
        return relay.query(callId).orElseThrow(() -> new AssertionError("the relay does not know call " + callId));
    }

    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop " + c, e);
            }
        }
        server.close();
    }
}
