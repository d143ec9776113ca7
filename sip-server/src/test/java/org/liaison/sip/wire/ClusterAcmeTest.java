package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.testing.CapturedLog;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TlsClients;

/**
 * Issue 15 item 2 on a real redis-server and a real pebble: two nodes of one cluster with ACME on make ONE order,
 * both serve its certificate, the CA's HTTP-01 request is answered by the node that did not order (the token is
 * shared in Redis), and a renewal reaches the other node without a restart.
 */
class ClusterAcmeTest {
    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();
    /** Renewal due at two thirds: about 13 s after issue. */
    private static final long VALIDITY_SECONDS = 20;
    private static final Duration ISSUED = Duration.ofSeconds(40);
    private static final String NODE_A = "127.0.0.1";
    private static final String NODE_B = "127.0.0.2";

    @TempDir
    Path root;
    private final List<TestServer> nodes = new ArrayList<>();
    private Pebble pebble;

    @AfterEach
    void stop() {
        nodes.forEach(TestServer::close);
        if (pebble != null) {
            pebble.close();
        }
    }

    private TestServer node(String address) throws Exception {
        TestServer node = TestServer.builder().user("alice", "alice-secret", "1001").withTls().withProvisioning()
                .property("sip.address", address).property("cluster.redis-uri", redis.uri())
                .property("cluster.node-uri", nodeUri(address)).property("cluster.tls-names", NODE_A + "," + NODE_B)
                .property("sip.tls.acme.directory-url", pebble.directory().toString())
                .property("sip.tls.acme.ca-file", pebble.serverCa().toString())
                .property("sip.tls.acme.http-port", Integer.toString(pebble.httpPort()))
                // one name: pebble validates an IP address at that address itself, a name where its DNS says
                .property("sip.tls.acme.names", TestServer.DOMAIN)
                .property("sip.tls.acme.cluster-poll-interval-ms", "300")
                .start(root.resolve(address));
        nodes.add(node);
        return node;
    }

    private static String nodeUri(String address) {
        return "sip:" + address + ";transport=udp";
    }

    @Test
    void oneNodeOrdersTheOtherAnswersTheChallengeAndBothServeAndRenewTheSameCertificate() throws Exception {
        pebble = Pebble.prepare(root.resolve("pebble"), VALIDITY_SECONDS, List.of()).start();
        pebble.answerNamesWith(NODE_B);
        // A's name on the lease, as if A had held it before a restart: A takes it back, B waits; so A orders and
        // the CA's request for the token, sent to B by DNS, can only be answered from Redis
        assertEquals("+OK", redis.command("SET", "liaison:acme:lease", nodeUri(NODE_A), "PX", "60000"));
        try (CapturedLog log = CapturedLog.start()) {
            TestServer nodeB = node(NODE_B);
            TestServer nodeA = node(NODE_A);
            SSLContext pebbleRoot = TlsClients.trusting(pebble.root());

            X509Certificate onA = await().atMost(ISSUED).ignoreExceptions()
                    .until(() -> served(pebbleRoot, NODE_A, nodeA.tlsPort()), c -> true);
            X509Certificate onB = await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> served(pebbleRoot, NODE_B, nodeB.tlsPort()), c -> true);
            assertEquals(onA, onB, "both nodes serve the one certificate");
            assertEquals(onA, served(pebbleRoot, NODE_B, nodeB.httpPort()), "on HTTPS too");
            assertTrue(onA.getSubjectAlternativeNames().stream().anyMatch(n -> n.get(1).equals(TestServer.DOMAIN)));
            assertEquals(1, pebble.orders(), pebble::log);
            assertTrue(log.has(Level.INFO, "published by another node"), "B answered A's token");

            // two thirds of its lifetime: one node renews, and the other swaps the new one in, both still running
            BigInteger first = onA.getSerialNumber();
            X509Certificate renewedA = await().atMost(ISSUED).ignoreExceptions()
                    .until(() -> served(pebbleRoot, NODE_A, nodeA.tlsPort()), c -> !c.getSerialNumber().equals(first));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> served(pebbleRoot, NODE_B, nodeB.tlsPort()), renewedA::equals);
            assertEquals(List.of(), log.warnings(), "no failed order, no lost lease");
        }
    }

    @Test
    void aNodeStartingFindsTheSharedCertificateAndServesItWithoutAnOrderOfItsOwn() throws Exception {
        pebble = Pebble.prepare(root.resolve("pebble"), 3600, List.of()).start();
        TestServer nodeA = node(NODE_A);
        SSLContext pebbleRoot = TlsClients.trusting(pebble.root());
        X509Certificate onA = await().atMost(ISSUED).ignoreExceptions()
                .until(() -> served(pebbleRoot, NODE_A, nodeA.tlsPort()), c -> true);

        TestServer nodeB = node(NODE_B);
        assertEquals(onA, served(pebbleRoot, NODE_B, nodeB.tlsPort()), "served from B's first handshake on");
        assertEquals(1, pebble.orders(), pebble::log);
    }

    /** The certificate at {@code host}:{@code port}, whose chain must end in {@code trust} (names checked apart). */
    private static X509Certificate served(SSLContext trust, String host, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket(host, port)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
