package org.liaison.sip.edge;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The trust manager of the stack's TLS client, which tells a {@link ServerCertificateCheck} whom it is talking to.
 * JAIN-SIP makes its client engines without the peer's address ({@code SSLContext.createSSLEngine()}), so the JVM's
 * trust manager cannot tell a node from a foreign server. The peer's certificate is checked while its handshake bytes
 * are unwrapped, on the thread that reads them (JAIN-SIP runs the engine's tasks there); {@link OutboundTlsChannel}
 * names its peer for the length of that read.
 */
final class PeerTrust extends X509ExtendedTrustManager {
    private final ServerCertificateCheck check;
    private final ThreadLocal<InetSocketAddress> reading = new ThreadLocal<>();

    PeerTrust(ServerCertificateCheck check) {
        this.check = check;
    }

    /** What a read of {@link OutboundTlsChannel} does while its peer is named. */
    interface Read {
        void run() throws Exception;
    }

    /** Runs {@code read} (bytes from {@code peer}, handshake messages among them) with {@code peer} named. */
    void whileReadingFrom(InetSocketAddress peer, Read read) throws Exception {
        reading.set(peer);
        try {
            read.run();
        } finally {
            reading.remove();
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check.check(chain, authType, engine, reading.get());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check.check(chain, authType, null, reading.get());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check.check(chain, authType, null, reading.get());
    }

    /** A client context's trust manager: the stack's TLS client is never asked to check a client. */
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the server's TLS client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the server's TLS client does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the server's TLS client does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
