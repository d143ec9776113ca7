package org.liaison.sip.tls.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liaison.sip.testing.TlsClients;
import org.shredzone.acme4j.util.CertificateUtils;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * Why TLS-ALPN-01 reads the ClientHello's bytes: under TLS 1.2 the JDK's server chooses its certificate (the key
 * manager) before it asks the ALPN selector, so a key manager cannot see that a handshake offers {@code acme-tls/1}
 * (under TLS 1.3 it can; RFC 8737 §3 allows either version). And the reading of a real ClientHello.
 */
class ClientHelloTest {

    @ParameterizedTest
    @CsvSource({"TLSv1.2, key manager (protocol chosen so far: none) > selector",
        "TLSv1.3, selector > key manager (protocol chosen so far: acme-tls/1)"})
    void underTls12TheJdkChoosesTheCertificateBeforeItAsksTheAlpnSelector(String version, String order)
            throws Exception {
        KeyPair key = KeyPairUtils.createKeyPair(2048); // acme4j's certificates are signed SHA256withRSA
        X509Certificate certificate = CertificateUtils.createTestRootCertificate("CN=order", Instant.now()
                .minusSeconds(60), Instant.now().plus(Duration.ofDays(1)), key);
        List<String> events = new CopyOnWriteArrayList<>();
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(new javax.net.ssl.KeyManager[] {new Recording(keyManager(key.getPrivate(), certificate), events)},
                null, null);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {version});
            CompletableFuture<Void> accepted = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept()) {
                    socket.setHandshakeApplicationProtocolSelector((s, offered) -> {
                        events.add("selector");
                        return offered.contains("acme-tls/1") ? "acme-tls/1" : "";
                    });
                    socket.startHandshake();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (SSLSocket client = TlsClients.presenting("liaison.test", List.of("acme-tls/1"),
                    listener.getLocalPort())) {
                assertEquals("acme-tls/1", client.getApplicationProtocol());
            }
            accepted.get(5, TimeUnit.SECONDS);
        }
        assertEquals(order, String.join(" > ", events));
    }

    @Test
    void readsTheNameAndProtocolsOfARealClientHello() throws Exception {
        SSLEngine client = SSLContext.getDefault().createSSLEngine("liaison.test", 443);
        client.setUseClientMode(true);
        SSLParameters parameters = client.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("Liaison.Test")));
        parameters.setApplicationProtocols(new String[] {"acme-tls/1", "http/1.1"});
        client.setSSLParameters(parameters);
        ByteBuffer record = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.beginHandshake();
        client.wrap(ByteBuffer.allocate(0), record);
        record.flip();
        ByteBuf body = Unpooled.wrappedBuffer(record).skipBytes(5 + 4); // record header, handshake header

        assertEquals(new ClientHello("liaison.test", List.of("acme-tls/1", "http/1.1")), ClientHello.read(body));
        assertEquals(new ClientHello("", List.of()), ClientHello.read(body.slice(body.readerIndex(), 60)),
                "truncated: nothing asked for");
    }

    private static X509ExtendedKeyManager keyManager(PrivateKey key, X509Certificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("server", key, new char[0], new X509Certificate[] {certificate});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, new char[0]);
        return (X509ExtendedKeyManager) factory.getKeyManagers()[0];
    }

    /** Notes when the JDK asks for the server's certificate, and what ALPN protocol it has chosen by then. */
    private static final class Recording extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager keys;
        private final List<String> events;

        Recording(X509ExtendedKeyManager keys, List<String> events) {
            this.keys = keys;
            this.events = events;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            String alias = keys.chooseServerAlias(keyType, issuers, socket);
            if (alias != null) {
                String chosen = ((SSLSocket) socket).getHandshakeApplicationProtocol();
                events.add("key manager (protocol chosen so far: "
                        + (chosen == null || chosen.isEmpty() ? "none" : chosen) + ")");
            }
            return alias;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
