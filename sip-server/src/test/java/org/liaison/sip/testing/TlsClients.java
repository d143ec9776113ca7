package org.liaison.sip.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Client-side TLS for tests: trust exactly one CA certificate, as a client given ca.pem would. */
public final class TlsClients {
    private TlsClients() {
    }

    /** A TLS connection to {@code host:port}, handshake done, the server's name checked against its certificate. */
    public static SSLSocket connect(SSLContext trust, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket(host, port);
        socket.setSoTimeout(5000);
        checkingName(socket).startHandshake();
        return socket;
    }

    /** The name check a SIP client makes on the server certificate (RFC 5922 §7.2), as HTTPS does it. */
    static SSLSocket checkingName(SSLSocket socket) {
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return socket;
    }

    /**
     * A handshake with {@code 127.0.0.1:port} asking for {@code serverName} (SNI) and offering {@code protocols}
     * (ALPN, none when empty), the certificate taken as it comes: for tests of what a server presents to whom.
     */
    public static SSLSocket presenting(String serverName, List<String> protocols, int port) throws IOException {
        try {
            SSLContext anything = SSLContext.getInstance("TLS");
            anything.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            SSLSocket socket = (SSLSocket) anything.getSocketFactory().createSocket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            parameters.setApplicationProtocols(protocols.toArray(new String[0]));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    public static SSLContext trusting(Path caPem) throws IOException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + caPem, e);
        }
    }
}
