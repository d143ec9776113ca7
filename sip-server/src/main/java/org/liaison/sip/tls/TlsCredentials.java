package org.liaison.sip.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
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

    private final ReloadingKeyManager keyManager;
    private final Optional<Path> caCertificate;

    private TlsCredentials(ReloadingKeyManager keyManager, Optional<Path> caCertificate) {
        this.keyManager = keyManager;
        this.caCertificate = caCertificate;
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
        return new TlsCredentials(keys, Optional.empty());
    }

    private static TlsCredentials fromPrivateCa(PrivateCa ca, PrivateCa.ServerFiles files, Clock clock)
            throws CertificateProblem {
        ReloadingKeyManager keys = ReloadingKeyManager.open(files.chain(), files.key(), clock);
        LOG.info("TLS certificate from the private CA {} (SHA-256 fingerprint {}), valid until {}",
                ca.certificateFile(), ca.fingerprint(), keys.certificate().getNotAfter().toInstant());
        return new TlsCredentials(keys, Optional.of(ca.certificateFile()));
    }

    /** Presents the current certificate chain; give it to an {@code SSLContext} of a server. */
    public X509ExtendedKeyManager keyManager() {
        return keyManager;
    }

    /** When the certificate presented now stops being valid (after a renewal on disk, the new one's). */
    public Instant notAfter() {
        return keyManager.certificate().getNotAfter().toInstant();
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
