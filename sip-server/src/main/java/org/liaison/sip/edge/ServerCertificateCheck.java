package org.liaison.sip.edge;

import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;

/**
 * How the certificate of a server this server connects to over TLS is checked: the stack's TLS client knows the peer
 * it connected to ({@code peer}, null if not), which the JVM's trust managers are not told, so that a node of the
 * cluster can be held to the cluster's CA and everyone else to the JVM's CAs (tls.NodeCertificates).
 */
@FunctionalInterface
public interface ServerCertificateCheck {
    /** Returns when {@code chain} is trusted for {@code peer}; a CertificateException ends the handshake. */
    void check(X509Certificate[] chain, String authType, SSLEngine engine, InetSocketAddress peer)
            throws CertificateException;
}
