package org.liaison.sip.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.MutableClock;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.cluster.RedisTlsIdentity;
import org.liaison.sip.config.TlsSettings;
import org.liaison.sip.testing.EmptiedRedis;

/** The cluster's CA and server certificate, kept in a real redis-server and opened by several nodes. */
class ClusterCaTest {
    private static final TlsSettings OWN_CA = new TlsSettings(Optional.empty(), Optional.empty(), true);

    @RegisterExtension
    static final EmptiedRedis redis = new EmptiedRedis();

    @TempDir
    Path root;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T12:00:00Z"));
    private final List<ClusterRedis> connections = new ArrayList<>();

    @AfterEach
    void disconnect() {
        connections.forEach(ClusterRedis::close);
    }

    private TlsCredentials openNode(String name, String address, List<String> clusterNames) throws Exception {
        ClusterRedis node = ClusterRedis.connect(redis.uri());
        connections.add(node);
        return TlsCredentials.openShared(OWN_CA, "example.org", List.of(InetAddress.getByName(address)), clusterNames,
                new RedisTlsIdentity(node), Files.createDirectories(root.resolve(name)), clock);
    }

    private static X509Certificate presented(TlsCredentials tls) {
        X509KeyManager keys = tls.keyManager();
        return keys.getCertificateChain(keys.chooseServerAlias("EC", null, null))[0];
    }

    @Test
    void twoNodesStartingTogetherEndUpWithOneCaAndOneCertificate() throws Exception {
        CompletableFuture<TlsCredentials> a = CompletableFuture.supplyAsync(() -> open("a"));
        CompletableFuture<TlsCredentials> b = CompletableFuture.supplyAsync(() -> open("b"));

        assertArrayEquals(Files.readAllBytes(a.get().caCertificate().orElseThrow()),
                Files.readAllBytes(b.get().caCertificate().orElseThrow()));
        assertEquals(presented(a.get()), presented(b.get()));
        assertTrue(Files.notExists(root.resolve("a").resolve("tls").resolve("ca-key.pem")),
                "the CA's key is kept in Redis, not on every node's disk");
    }

    private TlsCredentials open(String name) {
        try {
            return openNode(name, "192.0.2.10", List.of());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNodeWithAnotherAddressTheCaCoversAddsItToTheSharedCertificate() throws Exception {
        List<String> everyNode = List.of("192.0.2.11", "sip2.example.net");
        TlsCredentials first = openNode("a", "192.0.2.10", everyNode);
        assertEquals(Set.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("192.0.2.11")),
                ServerNames.in(presented(first)).addresses(), "cluster.tls-names are named from the start");

        TlsCredentials second = openNode("b", "192.0.2.12", List.of());
        assertEquals(presented(first).getIssuerX500Principal(), presented(second).getIssuerX500Principal());
        assertEquals(Set.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("192.0.2.11")),
                ServerNames.in(presented(second)).addresses(), "192.0.2.12 is outside the CA's limits: left out");

        TlsCredentials restarted = openNode("a", "192.0.2.11", everyNode);
        assertEquals(presented(second), presented(restarted), "nothing new to name: the stored one is kept");
        assertTrue(ServerNames.in(presented(restarted)).dnsNames().containsAll(Set.of("example.org",
                "sip2.example.net")));
    }

    @Test
    void theAdminsPemFilesWinAndPutNothingInRedis() throws Exception {
        Path dir = Files.createDirectories(root.resolve("admin"));
        ServerNames names = ServerNames.of("sip.example.org", "", List.of());
        PrivateCa.ServerFiles files = PrivateCa.openOrCreate(dir, names, clock).ensureServerCertificate(names);
        ClusterRedis node = ClusterRedis.connect(redis.uri());
        connections.add(node);

        TlsCredentials tls = TlsCredentials.openShared(new TlsSettings(Optional.of(files.chain()),
                Optional.of(files.key()), false), "example.org", List.of(), List.of(), new RedisTlsIdentity(node),
                Files.createDirectories(root.resolve("node")), clock);

        assertEquals(PemFiles.readCertificates(files.chain()).get(0), presented(tls));
        assertEquals(Optional.empty(), tls.caCertificate());
        assertEquals(List.of(), node.commands().keys("liaison:tls:*"));
    }
}
