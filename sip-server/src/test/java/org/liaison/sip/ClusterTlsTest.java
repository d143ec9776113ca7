package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TlsClients;

/**
 * Issue 10 item 4: in cluster mode without the admin's PEM files, the first node makes the CA and the server
 * certificate and keeps them in Redis; a node started after it loads them, so every node presents the same chain and
 * a phone that imported one node's /ca.pem trusts every node.
 */
class ClusterTlsTest {
    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();

    @TempDir
    Path root;
    private final List<TestServer> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(TestServer::close);
    }

    /** A node with SIP over TLS and HTTPS provisioning at {@code address}; {@code tlsNames} is cluster.tls-names. */
    private TestServer node(String name, String address, String tlsNames) throws Exception {
        TestServer node = TestServer.builder().user("alice", "alice-secret", "1001").withTls().withProvisioning()
                .property("sip.address", address).property("cluster.redis-uri", redis.uri())
                .property("cluster.tls-names", tlsNames).property("cluster.node-uri", "sip:" + address + ";transport=udp")
                .start(root.resolve(name));
        nodes.add(node);
        return node;
    }

    @Test
    void aNodeStartedAfterTheFirstPresentsTheFirstsChainAndServesItsCa() throws Exception {
        TestServer nodeA = node("a", "127.0.0.1", "127.0.0.2");
        TestServer nodeB = node("b", "127.0.0.2", "127.0.0.2");
        byte[] caOfA = Files.readAllBytes(nodeA.dataDir().resolve("ca.pem"));
        SSLContext trustingA = TlsClients.trusting(nodeA.dataDir().resolve("ca.pem"));

        assertArrayEquals(caOfA, Files.readAllBytes(nodeB.dataDir().resolve("ca.pem")), "B has A's CA");
        String onA = fingerprint(trustingA, "127.0.0.1", nodeA.tlsPort());
        String onB = fingerprint(trustingA, "127.0.0.2", nodeB.tlsPort());
        assertEquals(onA, onB, "one certificate, naming both nodes' addresses, checked as a SIP client checks it");
        assertEquals(new String(caOfA), caPem(trustingA, "127.0.0.1", nodeA.httpPort()));
        assertEquals(new String(caOfA), caPem(trustingA, "127.0.0.2", nodeB.httpPort()));
    }

    @Test
    void aNodeWhoseAddressTheCaWasNotMadeForStartsWithTheSameChainWithoutItsAddress() throws Exception {
        TestServer nodeA = node("a", "127.0.0.1", "");
        TestServer nodeB = node("b", "127.0.0.2", "");
        SSLContext trustingA = TlsClients.trusting(nodeA.dataDir().resolve("ca.pem"));

        assertEquals(fingerprint(trustingA, "127.0.0.1", nodeA.tlsPort()), chainOnly(trustingA, "127.0.0.2",
                nodeB.tlsPort()), "the same chain, from the same CA");
        assertThrows(SSLHandshakeException.class, () -> TlsClients.connect(trustingA, "127.0.0.2", nodeB.tlsPort()),
                "127.0.0.2 is outside the CA's limits, so the certificate does not name it");
    }

    /** SHA-256 of the certificate the server at {@code host:port} presents, the handshake checking it for {@code host}. */
    private static String fingerprint(SSLContext trust, String host, int port) throws Exception {
        try (SSLSocket socket = TlsClients.connect(trust, host, port)) {
            return sha256(socket);
        }
    }

    /** As {@link #fingerprint}, checking the chain but not the name. */
    private static String chainOnly(SSLContext trust, String host, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return sha256(socket);
        }
    }

    private static String sha256(SSLSocket socket) throws Exception {
        byte[] der = socket.getSession().getPeerCertificates()[0].getEncoded();
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
    }

    private static String caPem(SSLContext trust, String host, int httpPort) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trust).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + httpPort
                + "/ca.pem")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        return answer.body();
    }
}
