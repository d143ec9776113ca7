package org.liaison.sip.tls.acme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.sip.testing.TlsClients;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.util.CertificateUtils;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * RFC 8737 §3 on a Netty TLS service like the HTTPS one (the responder's handler before the service's own TLS
 * handler): only a handshake offering {@code acme-tls/1} for a name with a challenge under way gets the challenge's
 * certificate; every other handshake gets the service's certificate and ALPN as before.
 */
class TlsAlpn01ResponderTest {
    private static final String ACME_TLS_1 = "acme-tls/1";
    private static final String ACME_IDENTIFIER_OID = "1.3.6.1.5.5.7.1.31";
    private static final String KEY_AUTHORIZATION = "token-abc.thumbprint-xyz";

    /** The challenges a cluster's nodes share (Redis's part of {@link SharedAcmeState}, in a map). */
    private final Map<String, String> sharedChallenges = new ConcurrentHashMap<>();
    private final SharedAcmeState shared = (SharedAcmeState) Proxy.newProxyInstance(
            SharedAcmeState.class.getClassLoader(), new Class<?>[] {SharedAcmeState.class}, (proxy, method, args) ->
                    switch (method.getName()) {
                        case "publishChallenge" -> sharedChallenges.put((String) args[0], (String) args[1]);
                        case "withdrawChallenge" -> sharedChallenges.remove((String) args[0]);
                        case "challenge" -> Optional.ofNullable(sharedChallenges.get((String) args[0]));
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
    private final List<String> names = List.of("liaison.test", "other.test");
    private final TlsAlpn01Responder responder = new TlsAlpn01Responder(names, Optional.of(shared));
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private X509Certificate normal;
    private int port;

    @BeforeEach
    void serve() throws Exception {
        KeyPair key = KeyPairUtils.createKeyPair(2048); // acme4j's certificates are signed SHA256withRSA
        normal = CertificateUtils.createTestRootCertificate("CN=the service", Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1)), key);
        SslContext service = SslContextBuilder.forServer(key.getPrivate(), normal).build(); // no ALPN, as HTTPS
        Channel listener = new ServerBootstrap().group(loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(responder.newHandler(), service.newHandler(channel.alloc()));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        port = ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void theCasHandshakeGetsTheChallengeCertificateNegotiatesAcmeTlsAndIsClosed() throws Exception {
        responder.present(Identifier.dns("liaison.test"), KEY_AUTHORIZATION);
        try (SSLSocket ca = TlsClients.presenting("liaison.test", List.of(ACME_TLS_1), port)) {
            X509Certificate challenge = (X509Certificate) ca.getSession().getPeerCertificates()[0];
            assertEquals(ACME_TLS_1, ca.getApplicationProtocol());
            assertTrue(challenge.getCriticalExtensionOIDs().contains(ACME_IDENTIFIER_OID), challenge::toString);
            byte[] extension = challenge.getExtensionValue(ACME_IDENTIFIER_OID);
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(KEY_AUTHORIZATION.getBytes(StandardCharsets.US_ASCII));
            // an OCTET STRING (the extension value) holding the OCTET STRING of the digest
            assertArrayEquals(digest, Arrays.copyOfRange(extension, extension.length - 32, extension.length));
            assertEquals(List.of(List.of(2, "liaison.test")), List.copyOf(challenge.getSubjectAlternativeNames()));
            assertEquals(-1, ca.getInputStream().read(), "RFC 8737 §3: nothing follows the handshake");
        }
    }

    @Test
    void aClientOfferingNoAcmeTlsGetsTheServiceCertificateWhileAChallengeIsUnderWay() throws Exception {
        responder.present(Identifier.dns("liaison.test"), KEY_AUTHORIZATION);
        for (List<String> offered : List.of(List.<String>of(), List.of("h2", "http/1.1"))) {
            try (SSLSocket browser = TlsClients.presenting("liaison.test", offered, port)) {
                assertEquals(normal, browser.getSession().getPeerCertificates()[0], offered::toString);
                assertEquals("", browser.getApplicationProtocol(), "the service negotiates no ALPN, as before");
            }
        }
    }

    @Test
    void acmeTlsOfferedForANameWithNoChallengeGetsTheServiceCertificate() throws Exception {
        responder.present(Identifier.dns("liaison.test"), KEY_AUTHORIZATION);
        for (String name : List.of("other.test", "unknown.test")) {
            try (SSLSocket attacker = TlsClients.presenting(name, List.of(ACME_TLS_1, "http/1.1"), port)) {
                assertEquals(normal, attacker.getSession().getPeerCertificates()[0], name);
                assertFalse(ACME_TLS_1.equals(attacker.getApplicationProtocol()), name);
            }
        }
    }

    @Test
    void aWithdrawnChallengeIsNoLongerAnswered() throws Exception {
        responder.present(Identifier.dns("liaison.test"), KEY_AUTHORIZATION);
        responder.withdraw(Identifier.dns("liaison.test"));
        try (SSLSocket late = TlsClients.presenting("liaison.test", List.of(ACME_TLS_1, "http/1.1"), port)) {
            assertEquals(normal, late.getSession().getPeerCertificates()[0]);
        }
    }

    @Test
    void inAClusterTheNodeTheCaReachesAnswersAChallengeAnotherNodePublished() throws Exception {
        TlsAlpn01Responder ordering = new TlsAlpn01Responder(names, Optional.of(shared));
        ordering.present(Identifier.dns("other.test"), KEY_AUTHORIZATION);
        try (SSLSocket ca = TlsClients.presenting("other.test", List.of(ACME_TLS_1), port)) {
            X509Certificate challenge = (X509Certificate) ca.getSession().getPeerCertificates()[0];
            assertEquals(ACME_TLS_1, ca.getApplicationProtocol());
            assertTrue(challenge.getCriticalExtensionOIDs().contains(ACME_IDENTIFIER_OID), challenge::toString);
        }
        ordering.withdraw(Identifier.dns("other.test"));
        assertTrue(sharedChallenges.isEmpty(), sharedChallenges::toString);
    }

    @Test
    void anAddressIsAskedForByItsReverseName() {
        // RFC 8738 §6
        assertEquals("1.0.0.127.in-addr.arpa", TlsAlpn01Responder.serverName("127.0.0.1"));
        assertEquals("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa",
                TlsAlpn01Responder.serverName("::1"));
        assertEquals("liaison.test", TlsAlpn01Responder.serverName("Liaison.Test"));
    }
}
