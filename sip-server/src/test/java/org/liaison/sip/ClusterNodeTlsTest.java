package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.config.TlsSettings;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;
import org.liaison.sip.tls.TlsCredentials;

/**
 * TLS between nodes (issue 10): a node URI may be {@code sips:} or {@code ;transport=tls}, and a node connecting to
 * another checks that the certificate comes from the cluster's CA and names the node's address. Whoever listens at a
 * node's address without such a certificate (the address of a node that stopped, taken over) learns nothing.
 * CrossNodeProtocolTest runs calls, CANCEL, BYE and MESSAGE across nodes over ;transport=tls.
 */
class ClusterNodeTlsTest {
    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();

    private TestServer node(String name, String nodeUri) throws Exception {
        return liaison.own(CrossNodeProtocolTest.node(redis.uri(), "tls").property("cluster.node-uri", nodeUri)
                .start(liaison.directory().resolve(name)));
    }

    @Test
    void aMessageCrossesNodesWhoseUrisAreSips() throws Exception {
        TestServer nodeA = node("a", "sips:127.0.0.1:" + TestServer.TLS_PORT);
        TestServer nodeB = node("b", "sips:127.0.0.1:" + TestServer.TLS_PORT);
        TestUa bob = liaison.own(new TestUa("bob", nodeA, true));
        TestUa alice = liaison.own(new TestUa("alice", nodeB));
        assertEquals(200, bob.register("bob-secret", "").status());

        String message = alice.messageRequest("sip:bob@" + TestServer.DOMAIN, UUID.randomUUID().toString(),
                "text/plain", "over tls between nodes");
        assertEquals(407, alice.sendAnsweringChallenge(message, "alice-secret").first().status());

        SipText received = bob.awaitRequest("MESSAGE");
        assertEquals("over tls between nodes", received.body());
        assertTrue(received.header("via").orElseThrow().contains("SIP/2.0/TLS 127.0.0.1:" + nodeB.tlsPort()),
                "node B's hop to node A is TLS: " + received);
        bob.respond(received, 200, "OK", "b", null, null);
        assertEquals(200, alice.awaitResponse("MESSAGE", 200).status());
    }

    /**
     * Node A stops and a stranger takes its TLS port, presenting a certificate for the same address and domain from a
     * CA of its own. Node B still holds bob's binding through node A (A stays a node until the admin removes it), so
     * it connects there: the handshake fails and the stranger gets no byte of alice's message.
     */
    @Test
    void aListenerAtANodesAddressWithAnotherCasCertificateGetsNothing() throws Exception {
        TestServer nodeA = node("a", "sip:127.0.0.1:" + TestServer.TLS_PORT + ";transport=tls");
        TestServer nodeB = node("b", "sip:127.0.0.1:" + TestServer.TLS_PORT + ";transport=tls");
        TestUa bob = liaison.own(new TestUa("bob", nodeA, true));
        TestUa alice = liaison.own(new TestUa("alice", nodeB));
        assertEquals(200, bob.register("bob-secret", "").status());
        nodeA.stop();
        Impostor impostor = liaison.own(new Impostor(nodeA.tlsPort(), liaison.directory().resolve("impostor")));

        String message = alice.messageRequest("sip:bob@" + TestServer.DOMAIN, UUID.randomUUID().toString(),
                "text/plain", "for bob only");
        alice.sendAnsweringChallenge(message, "alice-secret");

        String seen = impostor.firstConnection.get(20, TimeUnit.SECONDS);
        assertTrue(seen.startsWith("handshake refused"), "node B sent to a stranger at node A's address: " + seen);
        assertTrue(alice.awaitResponse("MESSAGE", 200).status() >= 200, "alice is answered all the same");
    }

    /**
     * A TLS listener with a certificate for 127.0.0.1 and the domain from its own private CA; it reports how its
     * first connection went: the handshake refused by the peer, or what the peer sent after it.
     */
    private static final class Impostor implements AutoCloseable {
        private final SSLServerSocket listener;
        final CompletableFuture<String> firstConnection = new CompletableFuture<>();

        Impostor(int port, Path dataDir) throws Exception {
            TlsCredentials own = TlsCredentials.open(new TlsSettings(Optional.empty(), Optional.empty(), false),
                    TestServer.DOMAIN, List.of(InetAddress.getLoopbackAddress()), dataDir, Clock.systemUTC());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {own.keyManager()}, null, null);
            listener = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(port, 5,
                    InetAddress.getLoopbackAddress());
            Thread serving = new Thread(this::serveOne, "impostor");
            serving.setDaemon(true);
            serving.start();
        }

        private void serveOne() {
            try (SSLSocket peer = (SSLSocket) listener.accept()) {
                peer.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
                try {
                    peer.startHandshake();
                } catch (IOException refused) {
                    firstConnection.complete("handshake refused: " + refused);
                    return;
                }
                byte[] buffer = new byte[8192];
                int read = peer.getInputStream().read(buffer);
                firstConnection.complete(read <= 0 ? "(nothing)" : new String(buffer, 0, read, StandardCharsets.UTF_8));
            } catch (IOException e) {
                firstConnection.complete("no connection: " + e);
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
