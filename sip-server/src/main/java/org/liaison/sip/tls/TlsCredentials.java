package org.liaison.sip.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.X509ExtendedKeyManager;
import org.liaison.sip.config.TlsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS identity, for SIP over TLS and for any other TLS service of the server
 * (HTTPS provisioning): a key manager that follows the certificate files as they are replaced, and
 * the CA certificate clients must trust when the server made its own.
 */
public final class TlsCredentials {
    private static final Logger LOG = LoggerFactory.getLogger(TlsCredentials.class);
    /**
     * What the private CA keeps in data.dir (relative paths): the CA certificate, and the directory of its key and
     * of the server's certificate and key, which are replaced together (a backup copies them as one set).
     */
    public static final List<String> DATA_DIR_FILES = List.of(PrivateCa.CA_FILE, PrivateCa.KEY_DIRECTORY);

    private final ReloadingKeyManager keyManager;
    private final Optional<Path> caCertificate;
    private final Clock clock;

    private TlsCredentials(ReloadingKeyManager keyManager, Optional<Path> caCertificate, Clock clock) {
        this.keyManager = keyManager;
        this.caCertificate = caCertificate;
        this.clock = clock;
    }

    /**
     * The admin's certificate when the settings name one; otherwise the server's private CA and a
     * certificate from it for {@code domain}, this host's name and {@code addresses}, made or renewed
     * in {@code dataDir} as needed.
     */
    public static TlsCredentials open(TlsSettings settings, String domain, List<InetAddress> addresses, Path dataDir,
            Clock clock) throws CertificateProblem, IOException {
        if (settings.adminCertificate()) {
            return adminCertificate(settings, clock);
        }
        ServerNames names = ServerNames.of(domain, hostName(), addresses);
        PrivateCa ca = PrivateCa.openOrCreate(dataDir, names, clock);
        return fromPrivateCa(ca, ca.ensureServerCertificate(names), clock);
    }

    /**
     * A node of a cluster: the admin's certificate when the settings name one (every node then needs the same
     * files); otherwise the cluster's private CA and server certificate kept in {@code shared} (made by the first
     * node to start), naming {@code domain}, {@code clusterNames} and this node's host name and {@code addresses}.
     */
    public static TlsCredentials openShared(TlsSettings settings, String domain, List<InetAddress> addresses,
            List<String> clusterNames, SharedTlsIdentity shared, Path dataDir, Clock clock)
            throws CertificateProblem, IOException {
        if (settings.adminCertificate()) {
            return adminCertificate(settings, clock);
        }
        ServerNames cluster = ServerNames.of(domain, "", List.of());
        for (String name : clusterNames) {
            cluster = cluster.plus(ServerNames.of(name, "", List.of()));
        }
        ServerNames names = cluster.plus(ServerNames.of(domain, hostName(), addresses));
        PrivateCa ca = ClusterCa.open(shared, names, dataDir, clock);
        return fromPrivateCa(ca, ClusterCa.serverCertificate(ca, shared, names, clock), clock);
    }

    private static TlsCredentials adminCertificate(TlsSettings settings, Clock clock) throws CertificateProblem {
        ReloadingKeyManager keys = ReloadingKeyManager.open(settings.certificate().get(), settings.privateKey().get(),
                clock);
        LOG.info("TLS certificate from {}: {}, valid until {}", settings.certificate().get(),
                keys.certificate().getSubjectX500Principal().getName(), keys.certificate().getNotAfter().toInstant());
        return new TlsCredentials(keys, Optional.empty(), clock);
    }

    private static TlsCredentials fromPrivateCa(PrivateCa ca, PrivateCa.ServerFiles files, Clock clock)
            throws CertificateProblem {
        ReloadingKeyManager keys = ReloadingKeyManager.open(files.chain(), files.key(), clock);
        LOG.info("TLS certificate from the private CA {} (SHA-256 fingerprint {}), valid until {}",
                ca.certificateFile(), ca.fingerprint(), keys.certificate().getNotAfter().toInstant());
        return new TlsCredentials(keys, Optional.of(ca.certificateFile()), clock);
    }

    /**
     * Checks {@code chain} (the server's certificate first) and {@code key}, writes them to {@code chainFile} and
     * {@code keyFile} (owner-only, each replaced in one rename) and presents them from the next handshake on, on
     * every listener given {@link #keyManager()}. A chain that does not check out is refused before anything is
     * written, and the current certificate keeps serving.
     */
    public void install(List<X509Certificate> chain, PrivateKey key, Path chainFile, Path keyFile)
            throws CertificateProblem, IOException {
        installPem(PemFiles.text(chain.toArray()) + PemFiles.text(key), chainFile, keyFile);
    }

    /**
     * As {@link #install}, for the chain and key as one PEM text (the server's certificate first, then its key), as
     * another node of a cluster shares them.
     */
    public void installPem(String pemText, Path chainFile, Path keyFile) throws CertificateProblem, IOException {
        ServerIdentity identity = ServerIdentity.parse(pemText, chainFile, clock);
        PemFiles.writeText(keyFile, PemFiles.OWNER_ONLY, PemFiles.text(identity.key()));
        PemFiles.writeText(chainFile, PemFiles.OWNER_ONLY, PemFiles.text(identity.chain().toArray()));
        serve(chainFile, keyFile);
    }

    /** Presents the chain and key of these PEM files (written earlier by {@link #install}) and follows them. */
    public void serve(Path chainFile, Path keyFile) throws CertificateProblem {
        keyManager.follow(chainFile, keyFile);
        LOG.info("TLS certificate from {}: {}, valid until {}", chainFile,
                keyManager.certificate().getSubjectX500Principal().getName(),
                keyManager.certificate().getNotAfter().toInstant());
    }

    /** The certificate presented now. */
    public X509Certificate certificate() {
        return keyManager.certificate();
    }

    /** Presents the current certificate chain; give it to an {@code SSLContext} of a server. */
    public X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    /** When the certificate presented now stops being valid (after a renewal on disk, the new one's). */
    public Instant notAfter() {
        return keyManager.certificate().getNotAfter().toInstant();
    }

    /**
     * What the certificate of another node of this cluster may chain up to besides the JVM's CAs: the private CA that
     * issued the shared certificate ({@code data.dir/ca.pem}), or the self-signed certificate that ends the admin's
     * chain (their own CA's, or the certificate itself). Neither when the chain presented now ends below a public CA
     * (an ACME certificate): the JVM's CAs vouch for that one.
     */
    public List<X509Certificate> clusterAnchors() throws CertificateProblem {
        List<X509Certificate> anchors = new java.util.ArrayList<>();
        if (caCertificate.isPresent()) {
            anchors.addAll(PemFiles.readCertificates(caCertificate.get()));
        }
        List<X509Certificate> chain = keyManager.chain();
        X509Certificate top = chain.get(chain.size() - 1);
        if (top.getSubjectX500Principal().equals(top.getIssuerX500Principal()) && !anchors.contains(top)) {
            anchors.add(top);
        }
        return List.copyOf(anchors);
    }

    /** {@code data.dir/ca.pem} for clients to trust; empty when the admin gave the certificate. */
    public Optional<Path> caCertificate() {
        return caCertificate;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "";
        }
    }
}
