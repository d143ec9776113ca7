package org.liaison.sip.tls.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.liaison.sip.config.AcmeSettings;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.tls.CertificateProblem;
import org.liaison.sip.tls.TlsCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's certificate from an ACME CA, kept current: ordered in the background after start (never blocking it:
 * the private CA serves until the first success), renewed at two thirds of its lifetime (as certbot and Caddy do:
 * 30 days before a 90-day certificate ends), retried with a doubling backoff after a failure, and handed to
 * {@link TlsCredentials}, whose key manager the SIP TLS listener and the HTTPS service share, so both present the new
 * chain from their next handshake. Each failure is one log line naming its cause; from 14 days before the served
 * certificate ends, a failed renewal also warns once a day.
 *
 * <p>Kept in {@code data.dir/acme/} (0700): {@code account-key.pem} (EC P-256, made on first use),
 * {@code certificate.pem} (the chain) and {@code certificate-key.pem} (a new EC P-256 key per order), all 0600.
 *
 * <p>In a cluster (issue 15 item 2) the account key and the certificate are kept in a {@link SharedAcmeState} too:
 * a node serves the shared certificate from its start, orders only when it is missing or due and only while it holds
 * the {@link OrderingLease}, publishes what it got, and the others, checking its version every
 * {@code sip.tls.acme.cluster-poll-interval-ms}, swap it in. Polling rather than pub/sub: a node that was away from
 * Redis when a certificate was published would miss the message, and one GET per interval costs nothing. Redis away:
 * the node keeps serving what it has, and its next attempt is the usual backoff's.
 */
public final class AcmeCertificates implements AutoCloseable {
    static final String DIRECTORY = "acme";
    static final String ACCOUNT_KEY = "account-key.pem";
    static final String CERTIFICATE = "certificate.pem";
    static final String CERTIFICATE_KEY = "certificate-key.pem";
    /** The first retry after a failure; each next one waits twice as long, up to {@link #LONGEST_RETRY}. */
    static final Duration FIRST_RETRY = Duration.ofMinutes(1);
    static final Duration LONGEST_RETRY = Duration.ofHours(6);
    static final Duration WARN_BEFORE_EXPIRY = Duration.ofDays(14);
    private static final Logger LOG = LoggerFactory.getLogger(AcmeCertificates.class);

    private final AcmeSettings settings;
    private final TlsCredentials tls;
    private final Path directory;
    private final Http01Listener challenges;
    private final Clock clock;
    private final Duration firstRetry;
    private final Optional<SharedAcmeState> shared;
    /** Answers TLS-ALPN-01 on the HTTPS service, when {@code sip.tls.acme.challenge} names it. */
    private final Optional<TlsAlpn01Responder> tlsAlpn01;
    /** This node's name as the holder of the {@link OrderingLease}. */
    private final String node;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "acme");
        thread.setDaemon(true);
        return thread;
    });
    private Duration nextRetry;
    /** Attempts failed in a row (the worker thread's): each starts with the next of the challenge types. */
    private int failures;
    private volatile String lastFailure;
    /** Orders (or renewals) that failed since start, for the admin listener's metrics. */
    private final AtomicLong failedOrders = new AtomicLong();
    /** The shared certificate's version served here: 0 = none (the worker thread's). */
    private long sharedVersion;
    private ScheduledFuture<?> nextRenewal;

    AcmeCertificates(AcmeSettings settings, TlsCredentials tls, Path dataDir, Http01Listener challenges, Clock clock,
            Duration firstRetry) {
        this(settings, tls, dataDir, challenges, clock, firstRetry, Optional.empty(), "", Optional.empty());
    }

    /** As one machine's, sharing with the other nodes of a cluster through {@code shared}; {@code node} is this one. */
    AcmeCertificates(AcmeSettings settings, TlsCredentials tls, Path dataDir, Http01Listener challenges, Clock clock,
            Duration firstRetry, Optional<SharedAcmeState> shared, String node,
            Optional<TlsAlpn01Responder> tlsAlpn01) {
        this.shared = shared;
        this.tlsAlpn01 = tlsAlpn01;
        this.node = node;
        this.settings = settings;
        this.tls = tls;
        this.directory = dataDir.resolve(DIRECTORY);
        this.challenges = challenges;
        this.clock = clock;
        this.firstRetry = firstRetry;
        this.nextRetry = firstRetry;
    }

    /**
     * Starts keeping {@code tls}'s certificate from the CA of {@code settings}: presents the one kept in data.dir
     * now if it is still valid and names every configured name, and orders one in the background when there is
     * none, or it is due. The HTTP-01 listener runs on {@code addresses}, redirecting other requests to
     * {@code httpsUrl} (none when its port is 0). In a cluster, {@code shared} is what its nodes share and
     * {@code node} names this one. {@code tlsAlpn01} is the HTTPS service's, when it answers TLS-ALPN-01.
     */
    public static AcmeCertificates start(AcmeSettings settings, TlsCredentials tls, Path dataDir,
            List<InetAddress> addresses, URI httpsUrl, Clock clock, Optional<SharedAcmeState> shared, String node,
            Optional<TlsAlpn01Responder> tlsAlpn01) throws IOException {
        Http01Listener challenges = Http01Listener.open(settings.httpPort() == 0 ? List.of() : addresses,
                settings.httpPort(), URI.create("https://" + httpsUrl.getRawAuthority()), shared);
        AcmeCertificates acme = new AcmeCertificates(settings, tls, dataDir, challenges, clock, FIRST_RETRY, shared,
                node, tlsAlpn01);
        try {
            acme.begin();
        } catch (IOException | RuntimeException e) {
            acme.close();
            throw e;
        }
        return acme;
    }

    /**
     * Whether the server presents a certificate from the ACME CA now (or will at its next start): one is kept in
     * {@code dataDir}, valid now and naming every configured name. Phones then trust it as they are (issue 15).
     */
    public static boolean issued(AcmeSettings settings, Path dataDir, Clock clock) {
        Path chain = dataDir.resolve(DIRECTORY).resolve(CERTIFICATE);
        if (!settings.enabled() || !Files.exists(chain)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(chain)) {
            X509Certificate own = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            own.checkValidity(Date.from(clock.instant()));
            return namesEvery(own, settings.names());
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The kept certificate if usable (in a cluster: the shared one, else this node's copy), and the first order
     * (now, or when the kept one is due).
     */
    void begin() throws IOException {
        Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Instant due = clock.instant();
        Path chain = directory.resolve(CERTIFICATE);
        if (Files.exists(chain)) {
            try {
                tls.serve(chain, directory.resolve(CERTIFICATE_KEY));
                X509Certificate kept = tls.certificate();
                due = namesEvery(kept, settings.names()) ? renewalTime(kept) : due;
            } catch (CertificateProblem e) {
                LOG.warn("acme: the kept certificate is not usable ({}); ordering a new one", e.getMessage());
            }
        }
        if (!servesSharedNow()) {
            schedule(Duration.between(clock.instant(), due));
        }
        worker.scheduleAtFixedRate(this::warnIfExpiring, 1, Duration.ofDays(1).toMinutes(), TimeUnit.MINUTES);
        if (shared.isPresent()) {
            long poll = settings.clusterPoll().toMillis();
            worker.scheduleWithFixedDelay(this::followShared, poll, poll, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * At start, on this thread before the worker runs anything: a node of a cluster serves the shared certificate at
     * once, and orders none of its own while it is good. Whether it does.
     */
    private boolean servesSharedNow() {
        try {
            return servesSharedUntilDue();
        } catch (IOException | CertificateProblem e) {
            LOG.warn("acme: cannot serve the cluster's certificate ({}); the renewal tries again", e.getMessage());
            return false;
        }
    }

    /** The next renewal after {@code delay}, in place of the one scheduled before. */
    private void schedule(Duration delay) {
        if (nextRenewal != null) {
            nextRenewal.cancel(false);
        }
        nextRenewal = worker.schedule(this::renew, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    /**
     * One order (in a cluster: unless another node's certificate is shared meanwhile, and only under the lease); on
     * success the next at two thirds of the new lifetime, on failure a retry after the backoff.
     */
    private void renew() {
        try {
            Optional<OrderingLease> lease = Optional.empty();
            if (shared.isPresent()) {
                if (servesSharedUntilDue()) {
                    return;
                }
                lease = OrderingLease.take(shared.get(), node);
                if (lease.isEmpty()) {
                    LOG.info("acme: another node is ordering the certificate for {}; looking again in {} ms",
                            settings.names(), settings.clusterPoll().toMillis());
                    schedule(settings.clusterPoll());
                    return;
                }
            }
            X509Certificate issued;
            try {
                // the lease is ours: a certificate published just before we took it is served, not ordered again
                if (lease.isPresent() && servesSharedUntilDue()) {
                    return;
                }
                issued = order();
            } finally {
                lease.ifPresent(OrderingLease::close);
            }
            lastFailure = null;
            nextRetry = firstRetry;
            failures = 0;
            Instant renewal = renewalTime(issued);
            LOG.info("acme: certificate for {} issued by {}, serving on SIP TLS and HTTPS; renewal at {}",
                    settings.names(), issued.getIssuerX500Principal().getName(), renewal);
            schedule(Duration.between(clock.instant(), renewal));
        } catch (AcmeOrder.Failed | CertificateProblem | IOException | RuntimeException e) {
            // ours name their cause in the message; a RuntimeException (a bug, or acme4j's) needs its class too
            lastFailure = e instanceof RuntimeException ? e.toString() : e.getMessage();
            LOG.warn("acme: no certificate for {}: {}; {} keeps serving, next attempt in {}s", settings.names(),
                    lastFailure, serving(), Math.max(1, nextRetry.toSeconds()));
            schedule(nextRetry);
            failures++;
            failedOrders.incrementAndGet();
            nextRetry = nextRetry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY
                    : nextRetry.multipliedBy(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        }
    }

    /** Orders, installs and (in a cluster, still holding the lease) shares a new certificate; the server's own. */
    private X509Certificate order() throws AcmeOrder.Failed, CertificateProblem, IOException, InterruptedException {
        KeyPair domainKey = EcKeyPairs.newPair();
        List<X509Certificate> chain = new AcmeOrder(settings, challenges, tlsAlpn01, challengeTypes())
                .order(accountKey(), domainKey);
        Path chainFile = directory.resolve(CERTIFICATE);
        Path keyFile = directory.resolve(CERTIFICATE_KEY);
        tls.install(chain, domainKey.getPrivate(), chainFile, keyFile);
        if (shared.isPresent()) {
            long version = shared.get().publishCertificate(node, Files.readString(chainFile)
                    + Files.readString(keyFile));
            if (version == 0) {
                LOG.warn("acme: the lease for ordering passed to another node during the order: this node serves"
                        + " its certificate, the others that node's");
            }
            sharedVersion = version;
        }
        return chain.get(0);
    }

    /**
     * The challenge types in order for this attempt: as configured, turned by one for each failed attempt before it,
     * so a name that cannot be proved one way (port 80 closed) is tried the other way next, as Caddy does.
     */
    private List<String> challengeTypes() {
        List<String> types = new ArrayList<>(settings.challenges());
        Collections.rotate(types, -(failures % types.size()));
        return types;
    }

    /**
     * In a cluster: serves the shared certificate if it is new here, and, when it names every configured name and is
     * not yet due, schedules its renewal and answers true (nothing to order now).
     */
    private boolean servesSharedUntilDue() throws IOException, CertificateProblem {
        if (shared.isEmpty()) {
            return false;
        }
        long version = shared.get().certificateVersion();
        if (version == 0) {
            return false;
        }
        if (version != sharedVersion) {
            Optional<String> pemText = shared.get().certificate();
            if (pemText.isEmpty()) {
                return false;
            }
            tls.installPem(pemText.get(), directory.resolve(CERTIFICATE), directory.resolve(CERTIFICATE_KEY));
            sharedVersion = version;
            lastFailure = null;
            nextRetry = firstRetry;
            LOG.info("acme: serving the cluster's certificate (version {}) on SIP TLS and HTTPS", version);
        }
        X509Certificate served = tls.certificate();
        Instant due = renewalTime(served);
        if (!namesEvery(served, settings.names()) || !due.isAfter(clock.instant())) {
            return false;
        }
        schedule(Duration.between(clock.instant(), due));
        return true;
    }

    /** Every poll interval in a cluster: a certificate another node published is swapped in without restart. */
    private void followShared() {
        try {
            servesSharedUntilDue();
        } catch (IOException | CertificateProblem e) {
            // Redis away: its outage is the renewal's to report, once per attempt; this poll just tries again
            LOG.debug("acme: cannot follow the cluster's certificate now: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("acme: cannot follow the cluster's certificate: {}", e.toString()); // and the next poll runs
        }
    }

    /** From 14 days before the served certificate ends, once a day while renewing it fails. */
    void warnIfExpiring() {
        X509Certificate served = tls.certificate();
        Duration left = Duration.between(clock.instant(), served.getNotAfter().toInstant());
        String failure = lastFailure;
        if (failure != null && left.compareTo(WARN_BEFORE_EXPIRY) < 0) {
            LOG.warn("acme: the TLS certificate ends on {} ({} days left) and renewing it fails: {}",
                    served.getNotAfter().toInstant(), left.toDays(), failure);
        }
    }

    private String serving() {
        X509Certificate served = tls.certificate();
        return "the certificate of " + served.getIssuerX500Principal().getName() + " valid until "
                + served.getNotAfter().toInstant();
    }

    /**
     * The account's key: made on first use and kept, since the CA knows the account by it (RFC 8555 §7.3); in a
     * cluster one for all nodes, the first node's (its data.dir key if it had one: its account carries over).
     */
    private KeyPair accountKey() throws IOException {
        Path file = directory.resolve(ACCOUNT_KEY);
        if (shared.isPresent()) {
            Optional<String> kept = shared.get().accountKey();
            if (kept.isEmpty()) {
                KeyPair own = Files.exists(file) ? EcKeyPairs.read(file) : EcKeyPairs.newPair();
                kept = Optional.of(shared.get().keepAccountKey(EcKeyPairs.text(own)));
            }
            return EcKeyPairs.parse(kept.get(), "the cluster's ACME account key");
        }
        if (Files.exists(file)) {
            return EcKeyPairs.read(file);
        }
        KeyPair key = EcKeyPairs.newPair();
        EcKeyPairs.write(key, file);
        LOG.info("acme: made the account key {}", file);
        return key;
    }

    /** Two thirds into the certificate's lifetime. */
    static Instant renewalTime(X509Certificate certificate) {
        Instant start = certificate.getNotBefore().toInstant();
        Duration lifetime = Duration.between(start, certificate.getNotAfter().toInstant());
        return start.plus(lifetime.multipliedBy(2).dividedBy(3));
    }

    /** The certificate names each of {@code names} in its subjectAltName (DNS names, or IP addresses). */
    static boolean namesEvery(X509Certificate certificate, List<String> names) {
        Set<String> named = new HashSet<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            for (List<?> name : alternatives == null ? List.<List<?>>of() : alternatives) {
                named.add(canonical(name.get(1).toString()));
            }
        } catch (CertificateParsingException e) {
            return false;
        }
        return names.stream().map(AcmeCertificates::canonical).allMatch(named::contains);
    }

    private static String canonical(String name) {
        InetAddress address = IpLiteral.parse(name);
        return address != null ? address.getHostAddress() : name.toLowerCase(Locale.ROOT);
    }

    /** How many orders or renewals failed since start (each logged with its cause). */
    public long failedOrders() {
        return failedOrders.get();
    }

    @Override
    public void close() {
        worker.shutdownNow();
        challenges.close();
    }
}
