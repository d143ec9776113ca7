package org.liaison.sip.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which server certificates this server accepts on a TLS connection it opens itself. To another node of its cluster
 * (a {@code sips:} or {@code ;transport=tls} node URI): a chain to the cluster's own CA or to a CA the JVM trusts,
 * for a certificate that names the node's address (an iPAddress name, RFC 5280 §4.2.1.6, which the shared
 * certificate carries for every node whose address the CA may vouch for), or, vouched for by a CA the JVM trusts
 * only, the SIP domain (RFC 5922 §7.2: an ACME certificate names the domain, not each node's address). To anyone
 * else (a foreign domain): the JVM's CAs alone, exactly as without a cluster; the cluster's CA vouches for nodes
 * only. A peer that fails gets no byte of the request: the handshake ends before it is sent.
 */
public final class NodeCertificates {
    private static final Logger LOG = LoggerFactory.getLogger(NodeCertificates.class);
    private final X509ExtendedTrustManager jvm;
    private final Optional<X509ExtendedTrustManager> cluster;
    private final Predicate<InetSocketAddress> isNode;
    private final String domain;

    /** {@code jvm}: the JVM's CAs (a test's own, standing for them); {@code cluster}: the cluster's CA, if any. */
    NodeCertificates(X509ExtendedTrustManager jvm, Optional<X509ExtendedTrustManager> cluster,
            Predicate<InetSocketAddress> isNode, String domain) {
        this.jvm = jvm;
        this.cluster = cluster;
        this.isNode = isNode;
        this.domain = domain.toLowerCase(Locale.ROOT);
    }

    /** One machine (or a node without a TLS listener): the JVM's CAs for every peer. */
    public static NodeCertificates jvmOnly() {
        return new NodeCertificates(trusting(null), Optional.empty(), peer -> false, "");
    }

    /**
     * A node of a cluster: {@code isNode} tells the other nodes' TLS listeners ({@code cluster.node-uri}), which
     * must present a certificate from the CA that issued this node's own ({@code credentials}) or a public one for
     * {@code domain}.
     */
    public static NodeCertificates forCluster(TlsCredentials credentials, String domain,
            Predicate<InetSocketAddress> isNode) throws CertificateProblem {
        List<X509Certificate> own = credentials.clusterAnchors();
        if (own.isEmpty()) {
            // the admin's chain ends below a CA the JVM trusts: so do the other nodes'
            return new NodeCertificates(trusting(null), Optional.empty(), isNode, domain);
        }
        try {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            for (int i = 0; i < own.size(); i++) {
                anchors.setCertificateEntry("cluster-" + i, own.get(i));
            }
            return new NodeCertificates(trusting(null), Optional.of(trusting(anchors)), isNode, domain);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("an empty key store in memory refused a certificate", e);
        }
    }

    /**
     * Checks the chain the server at {@code peer} presented ({@code peer} null when the connection's peer is not
     * known: then as any foreign server); a CertificateException ends the handshake.
     */
    public void checkServer(X509Certificate[] chain, String authType, SSLEngine engine, InetSocketAddress peer)
            throws CertificateException {
        if (peer == null || !isNode.test(peer)) {
            jvm.checkServerTrusted(chain, authType, engine);
            return;
        }
        try {
            checkNode(chain, authType, engine, peer);
        } catch (CertificateException e) {
            // nothing is sent to it; the request fails as if the node were down
            LOG.warn("refused the TLS certificate of the node at {}: {}", peer, e.getMessage());
            throw e;
        }
    }

    private void checkNode(X509Certificate[] chain, String authType, SSLEngine engine, InetSocketAddress peer)
            throws CertificateException {
        InetAddress node = peer.getAddress();
        ServerNames names = ServerNames.in(chain[0]);
        if (cluster.isPresent() && passes(cluster.get(), chain, authType, engine)) {
            if (!names.addresses().contains(node)) {
                throw new CertificateException("the certificate from the cluster's CA presented by the node at "
                        + peer + " does not name " + node.getHostAddress() + " (list every node's address in"
                        + " cluster.tls-names before the first node starts)");
            }
            return;
        }
        jvm.checkServerTrusted(chain, authType, engine);
        if (!names.addresses().contains(node) && !names.dnsNames().contains(domain)) {
            throw new CertificateException("the certificate presented by the node at " + peer + " names neither "
                    + node.getHostAddress() + " nor " + domain);
        }
    }

    private static boolean passes(X509ExtendedTrustManager trust, X509Certificate[] chain, String authType,
            SSLEngine engine) {
        try {
            trust.checkServerTrusted(chain, authType, engine);
            return true;
        } catch (CertificateException e) {
            return false;
        }
    }

    /** The PKIX trust manager of {@code anchors}; null = the JVM's CAs. */
    static X509ExtendedTrustManager trusting(KeyStore anchors) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JVM's trust manager factory makes no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no default trust store", e);
        }
    }
}
