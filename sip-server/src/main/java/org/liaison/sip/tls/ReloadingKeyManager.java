package org.liaison.sip.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's key manager: presents the certificate chain and key read from two PEM files, and
 * reads them again when they change (an ACME client renewing the certificate), so no restart is
 * needed. A replacement that does not load (half written, expired, key and certificate from
 * different pairs) is logged and the previous identity keeps serving.
 *
 * <p>The files are looked at, at most once per {@link #CHECK_INTERVAL}, when a handshake asks for
 * the server's alias. Each loaded identity has its own alias, so a handshake that chose one gets the
 * chain and key of that one even if a reload happens in between.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);

    private record Loaded(String alias, ServerIdentity identity, List<FileTime> stamps) {
    }

    private volatile Path chainFile;
    private volatile Path keyFile;
    private final Clock clock;
    private volatile Loaded current;
    private volatile Loaded previous;
    private volatile Instant nextCheck;
    private int generation;

    private ReloadingKeyManager(Path chainFile, Path keyFile, Clock clock, Loaded first) {
        this.chainFile = chainFile;
        this.keyFile = keyFile;
        this.clock = clock;
        this.current = first;
        this.previous = first;
        this.nextCheck = clock.instant().plus(CHECK_INTERVAL);
    }

    /** Loads the files now: a problem with them stops here, naming the file. */
    static ReloadingKeyManager open(Path chainFile, Path keyFile, Clock clock) throws CertificateProblem {
        List<FileTime> stamps = stamps(chainFile, keyFile);
        ServerIdentity identity = ServerIdentity.load(chainFile, keyFile, clock);
        return new ReloadingKeyManager(chainFile, keyFile, clock, new Loaded("liaison-0", identity, stamps));
    }

    /**
     * Presents the chain and key in these files from the next handshake on, and follows them from now on (an ACME
     * certificate taking over from the private CA's). A problem with them leaves the current identity serving.
     */
    synchronized void follow(Path newChainFile, Path newKeyFile) throws CertificateProblem {
        List<FileTime> stamps = stamps(newChainFile, newKeyFile);
        ServerIdentity identity = ServerIdentity.load(newChainFile, newKeyFile, clock);
        chainFile = newChainFile;
        keyFile = newKeyFile;
        previous = current;
        current = new Loaded("liaison-" + ++generation, identity, stamps);
        nextCheck = clock.instant().plus(CHECK_INTERVAL);
    }

    /** The certificate presented now (after picking up a changed file). */
    X509Certificate certificate() {
        return refreshed().identity().certificate();
    }

    /** The chain presented now, the certificate first. */
    List<X509Certificate> chain() {
        return refreshed().identity().chain();
    }

    private Loaded refreshed() {
        Instant now = clock.instant();
        if (now.isBefore(nextCheck)) {
            return current;
        }
        synchronized (this) {
            if (now.isBefore(nextCheck)) {
                return current;
            }
            nextCheck = now.plus(CHECK_INTERVAL);
            List<FileTime> stamps;
            try {
                stamps = stamps(chainFile, keyFile);
            } catch (CertificateProblem e) {
                LOG.warn("TLS certificate not reloaded, the previous one keeps serving: {}", e.getMessage());
                return current;
            }
            if (stamps.equals(current.stamps())) {
                return current;
            }
            try {
                ServerIdentity identity = ServerIdentity.load(chainFile, keyFile, clock);
                previous = current;
                current = new Loaded("liaison-" + ++generation, identity, stamps);
                LOG.info("TLS certificate reloaded from {}: {}, valid until {}", chainFile,
                        identity.certificate().getSubjectX500Principal().getName(),
                        identity.certificate().getNotAfter().toInstant());
            } catch (CertificateProblem e) {
                // the files may be half replaced (certificate written, key not yet): try again later
                LOG.warn("TLS certificate not reloaded, the previous one keeps serving: {}", e.getMessage());
            }
            return current;
        }
    }

    private static List<FileTime> stamps(Path chainFile, Path keyFile) throws CertificateProblem {
        return List.of(modified(chainFile), modified(keyFile));
    }

    private static FileTime modified(Path file) throws CertificateProblem {
        try {
            return Files.getLastModifiedTime(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CertificateProblem(file, "no such file");
        } catch (IOException e) {
            throw new CertificateProblem(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private ServerIdentity identity(String alias) {
        for (Loaded l : new Loaded[] {current, previous}) {
            if (l.alias().equals(alias)) {
                return l.identity();
            }
        }
        return null;
    }

    private String aliasFor(String keyType) {
        Loaded l = refreshed();
        return Objects.equals(keyType, l.identity().key().getAlgorithm()) ? l.alias() : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return aliasFor(keyType);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return aliasFor(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        String alias = aliasFor(keyType);
        return alias == null ? null : new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServerIdentity identity = identity(alias);
        return identity == null ? null : identity.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServerIdentity identity = identity(alias);
        return identity == null ? null : identity.key();
    }

    // the server authenticates no client certificates of its own: clients use digest (RFC 3261 §22)

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}
