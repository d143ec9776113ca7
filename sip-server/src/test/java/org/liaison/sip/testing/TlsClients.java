package org.liaison.sip.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

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
