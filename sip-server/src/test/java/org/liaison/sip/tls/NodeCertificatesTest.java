package org.liaison.sip.tls;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.config.TlsSettings;

/**
 * What a node's TLS client accepts from the server it connects to (issue 10, TLS between nodes): the cluster's CA
 * vouches for the nodes' addresses, and for nothing else; every other server is held to the JVM's CAs as before.
 */
class NodeCertificatesTest {
    private static final TlsSettings OWN_CA = new TlsSettings(Optional.empty(), Optional.empty(), false);
    private static final String DOMAIN = "sip.example.org";
    private static final InetSocketAddress NODE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5061);
    private static final InetSocketAddress OTHER_NODE = new InetSocketAddress("127.0.0.2", 5061);
    private static final InetSocketAddress FOREIGN = new InetSocketAddress("127.0.0.3", 5061);

    @TempDir
    Path root;
    private TlsCredentials cluster;
    private NodeCertificates nodes;

    @BeforeEach
    void clusterWithNodesAt127001And127002() throws Exception {
        cluster = credentials("cluster");
        nodes = NodeCertificates.forCluster(cluster, DOMAIN, Set.of(NODE, OTHER_NODE)::contains);
    }

    private TlsCredentials credentials(String name) throws Exception {
        return TlsCredentials.open(OWN_CA, DOMAIN, List.of(InetAddress.getLoopbackAddress()), root.resolve(name),
                Clock.systemUTC());
    }

    private static X509Certificate[] chainOf(TlsCredentials credentials) {
        return ((ReloadingKeyManager) credentials.keyManager()).chain().toArray(new X509Certificate[0]);
    }

    @Test
    void aNodePresentingTheClustersCertificateForItsAddressIsTrusted() {
        assertDoesNotThrow(() -> nodes.checkServer(chainOf(cluster), "UNKNOWN", null, NODE));
    }

    @Test
    void aNodeWhoseAddressTheClustersCertificateDoesNotNameIsRefused() {
        CertificateException refused = assertThrows(CertificateException.class,
                () -> nodes.checkServer(chainOf(cluster), "UNKNOWN", null, OTHER_NODE));
        assertTrue(refused.getMessage().contains("127.0.0.2"), refused.getMessage());
    }

    @Test
    void anotherCasCertificateForTheNodesAddressIsRefused() throws Exception {
        X509Certificate[] impostor = chainOf(credentials("impostor"));

        assertThrows(CertificateException.class, () -> nodes.checkServer(impostor, "UNKNOWN", null, NODE));
    }

    /** ACME: the nodes present a publicly trusted certificate for the domain, which names no node address. */
    @Test
    void aNodeWithACertificateFromACaTheJvmTrustsMustNameTheDomainOrItsAddress() throws Exception {
        ServerNames domain = ServerNames.of(DOMAIN, "", List.of());
        ServerNames elsewhere = ServerNames.of("elsewhere.example.net", "", List.of());
        PrivateCa publicCa = PrivateCa.openOrCreate(root.resolve("public"), domain.plus(elsewhere), Clock.systemUTC());
        KeyStore jvmCas = KeyStore.getInstance(KeyStore.getDefaultType());
        jvmCas.load(null, null);
        jvmCas.setCertificateEntry("public", PemFiles.readCertificates(publicCa.certificateFile()).get(0));
        NodeCertificates acme = new NodeCertificates(NodeCertificates.trusting(jvmCas), Optional.empty(),
                Set.of(NODE)::contains, DOMAIN);

        assertDoesNotThrow(() -> acme.checkServer(chain(publicCa.issue(domain)), "UNKNOWN", null, NODE));
        assertThrows(CertificateException.class,
                () -> acme.checkServer(chain(publicCa.issue(elsewhere)), "UNKNOWN", null, NODE),
                "a public certificate for another site");
        assertDoesNotThrow(() -> acme.checkServer(chain(publicCa.issue(elsewhere)), "UNKNOWN", null, FOREIGN),
                "a foreign domain's certificate: the JVM's CAs alone, as before");
    }

    private static X509Certificate[] chain(ServerIdentity identity) {
        return identity.chain().toArray(new X509Certificate[0]);
    }

    /** Phones and foreign domains: the JVM's CAs, as without a cluster; the cluster's CA vouches for nodes only. */
    @Test
    void theClustersCaVouchesForNoServerButTheNodes() {
        assertThrows(CertificateException.class,
                () -> nodes.checkServer(chainOf(cluster), "UNKNOWN", null, FOREIGN));
        assertThrows(CertificateException.class,
                () -> nodes.checkServer(chainOf(cluster), "UNKNOWN", null, null), "a peer not known");
        assertThrows(CertificateException.class,
                () -> NodeCertificates.jvmOnly().checkServer(chainOf(cluster), "UNKNOWN", null, NODE), "one machine");
    }
}
