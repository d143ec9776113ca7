package org.liaison.sip;

import io.netty.channel.ChannelHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sip.SipException;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.StoreUnavailableException;
import org.liaison.im.messaging.GroupFanOut;
import org.liaison.im.messaging.MessageDelivery;
import org.liaison.im.messaging.MessagePolicy;
import org.liaison.im.messaging.MessagingMetrics;
import org.liaison.im.messaging.StoreAndForward;
import org.liaison.media.MediaRelay;
import org.liaison.media.RelayConfig;
import org.liaison.media.ng.NgMediaRelay;
import org.liaison.media.ng.RelayPlacements;
import org.liaison.media.relay.RelaySessions;
import org.liaison.provisioning.AccountChanges;
import org.liaison.provisioning.UsersFileException;
import org.liaison.provisioning.WatchedAccountDirectory;
import org.liaison.provisioning.client.SipEndpoint;
import org.liaison.provisioning.directory.CurrentDirectory;
import org.liaison.provisioning.enrolment.EnrolmentTokenStore;
import org.liaison.provisioning.files.FileSharingSettings;
import org.liaison.provisioning.http.ProvisioningService;
import org.liaison.provisioning.http.ProvisioningSettings;
import org.liaison.sip.admin.AdminService;
import org.liaison.sip.admin.ServerFigures;
import org.liaison.sip.auth.DigestAuthenticator;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.cluster.SharedStateUnavailable;
import org.liaison.sip.config.HttpSettings;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.config.MediaSettings;
import org.liaison.sip.config.MessagingSettings;
import org.liaison.sip.config.RelaySettings;
import org.liaison.sip.config.SipSettings;
import org.liaison.sip.edge.SipEdge;
import org.liaison.sip.media.MediaAnchor;
import org.liaison.sip.media.RedisRelayPlacements;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.messaging.GroupMessaging;
import org.liaison.sip.messaging.OfflineMessaging;
import org.liaison.sip.messaging.RegisteredDevices;
import org.liaison.sip.messaging.SipDeviceMessenger;
import org.liaison.sip.presence.CallsInProgress;
import org.liaison.sip.presence.PresenceHandler;
import org.liaison.sip.presence.PresenceServer;
import org.liaison.sip.proxy.Forwarder;
import org.liaison.sip.proxy.HandoffToken;
import org.liaison.sip.proxy.RouteToken;
import org.liaison.sip.registrar.ClusterNodes;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.Registrar;
import org.liaison.sip.registrar.TargetResolver;
import org.liaison.sip.routing.ForwardingHandler;
import org.liaison.sip.routing.InDialogHandler;
import org.liaison.sip.routing.InviteHandler;
import org.liaison.sip.routing.MessageHandler;
import org.liaison.sip.routing.NodeHandoff;
import org.liaison.sip.routing.RegisterHandler;
import org.liaison.sip.routing.RequestAuthenticator;
import org.liaison.sip.routing.RequestRouter;
import org.liaison.sip.tls.CertificateProblem;
import org.liaison.sip.tls.NodeCertificates;
import org.liaison.sip.tls.TlsCredentials;
import org.liaison.sip.tls.acme.AcmeCertificates;
import org.liaison.sip.tls.acme.TlsAlpn01Responder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only wiring class: builds every part from the configuration, in order, and closes them in
 * reverse. {@code bin/liaison serve} and the protocol tests both start the server through here.
 */
public final class SipServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SipServer.class);
    private static final long EXPIRY_SWEEP_SECONDS = 10;
    private static final long METRICS_SECONDS = 60;
    private static final long RELAYED_CALLS_SWEEP_SECONDS = 60;
    /** How soon watchers see a registration expire (or one made through another node of a cluster). */
    private static final long PRESENCE_SWEEP_SECONDS = 5;

    /**
     * Opens the media relay the configuration asks for; tests give a fake one. {@code placements}: in cluster mode,
     * where every node records which of {@code relay.servers} holds each call.
     */
    @FunctionalInterface
    public interface RelayOpener {
        MediaRelay open(RelaySettings settings, Optional<RelayPlacements> placements);
    }

    private final WatchedAccountDirectory accounts;
    private final LocationService locations;
    /** What closes the location service: the embedded journal, or the Redis subscription. */
    private final AutoCloseable locationStore;
    private final ClusterRedis redis;
    /** The offline store: files in data.dir, or Redis in cluster mode. */
    private final OfflineStore messages;
    private final ScheduledExecutorService timers;
    private final SipEdge edge;
    private final Optional<TlsCredentials> tls;
    private final MediaRelay relay;
    private final MediaAnchor media;
    private final ProvisioningService provisioning;
    private final DataDirLock lock;
    /** Keeps the certificate from the ACME CA current; null when sip.tls.acme.directory-url is empty. */
    private final AcmeCertificates acme;
    /** The admin listener (metrics, health, status page); null when admin.port is 0. */
    private final AdminService admin;
    private final PresenceServer presence;

    private SipServer(WatchedAccountDirectory accounts, StateStores stores, OfflineStore messages,
            ScheduledExecutorService timers, SipEdge edge, Optional<TlsCredentials> tls, MediaRelay relay,
            MediaAnchor media, ProvisioningService provisioning, AcmeCertificates acme, DataDirLock lock,
            AdminService admin, PresenceServer presence) {
        this.lock = lock;
        this.acme = acme;
        this.admin = admin;
        this.presence = presence;
        this.tls = tls;
        this.provisioning = provisioning;
        this.accounts = accounts;
        this.relay = relay;
        this.media = media;
        this.locations = stores.locations();
        this.locationStore = stores.locationStore();
        this.redis = stores.redis();
        this.messages = messages;
        this.timers = timers;
        this.edge = edge;
    }

    /** Starts serving; on failure everything opened so far is closed again. */
    public static SipServer start(LiaisonConfig config)
            throws IOException, UsersFileException, SipException, CertificateProblem {
        return start(config, SipServer::openRelay);
    }

    /**
     * Starts serving with the media relay {@code relays} opens (when media.relay is not never);
     * {@link DataDirInUse} before anything is opened when another server runs on the data directory.
     */
    public static SipServer start(LiaisonConfig config, RelayOpener relays)
            throws IOException, UsersFileException, SipException, CertificateProblem {
        Path dataDir = createDataDir(config.dataDir());
        DataDirLock lock = DataDirLock.acquire(dataDir);
        AdminService admin = null;
        try {
            // first: its /health/ready answers 503 while the rest starts
            admin = config.admin().port() == 0 ? null : AdminService.start(config.admin(), Clock.systemUTC());
            return start(config, relays, dataDir, lock, admin);
        } catch (Exception e) {
            closeQuietly(admin);
            try {
                lock.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * What the TLS connections this node opens check: in a cluster, another node's certificate may come from the
     * cluster's CA (sips: and transport=tls node URIs); anyone else's must come from a CA the JVM trusts.
     */
    private static NodeCertificates outgoingTls(Optional<TlsCredentials> tls, LiaisonConfig config, ClusterNodes nodes)
            throws CertificateProblem {
        if (tls.isEmpty() || !config.cluster().clustered()) {
            return NodeCertificates.jvmOnly();
        }
        return NodeCertificates.forCluster(tls.get(), config.sip().domain(), nodes::isNode);
    }

    private static SipServer start(LiaisonConfig config, RelayOpener relays, Path dataDir, DataDirLock lock,
            AdminService admin) throws IOException, UsersFileException, SipException, CertificateProblem {
        Clock clock = Clock.systemUTC();
        StateStores stores = StateStores.open(config.cluster(), dataDir, clock);
        // HTTPS provisioning serves the same certificate as SIP over TLS
        boolean needsTls = config.sip().tlsPort() != 0 || config.http().port() != 0;
        Optional<TlsCredentials> tls;
        try {
            tls = needsTls ? Optional.of(stores.tlsCredentials(config, dataDir, clock)) : Optional.empty();
        } catch (CertificateProblem | IOException | RuntimeException e) {
            closeQuietly(stores.locationStore(), stores.redis());
            throw e;
        }
        LocationService locations = stores.locations();
        OfflineStore messages = null;
        WatchedAccountDirectory accounts = null;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "liaison-timers");
            t.setDaemon(true);
            return t;
        });
        // timer C is cancelled for nearly every call: drop cancelled tasks at once, not after 120 s
        timers.setRemoveOnCancelPolicy(true);
        SipEdge edge = null;
        MediaRelay relay = null;
        MediaAnchor media;
        PresenceServer presence;
        ProvisioningService provisioning = null;
        AcmeCertificates acme = null;
        try {
            accounts = WatchedAccountDirectory.open(config.users().file(), config.users().groupsFile(),
                    config.sip().domain(),
                    config.users().pollInterval(), changes -> endRegistrationsOfRemovedUsers(changes, locations));
            MessagingSettings im = config.messaging();
            OfflineStoreSettings storeSettings = new OfflineStoreSettings(im.expiry(), im.maxQueuedPerUser(),
                    im.maxMessageBytes(), im.maxQueuedPerSenderPerUser(), im.maxQueuedPerSender());
            messages = stores.offlineStore(dataDir, storeSettings, clock, config.cluster().waitReplicas());
            SipFactories factories = SipFactories.create();
            SipSettings sip = config.sip();
            LocalAddresses local = new LocalAddresses(sip.domain(), sip.addresses(), sip.udpPort(), sip.tcpPort(),
                    sip.tlsPort());
            ClusterNodes nodes = stores.clusterNodes(config.cluster(), factories);
            edge = SipEdge.bind(config.sip(), config.limits(), local, factories, tls.map(TlsCredentials::keyManager),
                    outgoingTls(tls, config, nodes)::checkServer);
            DigestAuthenticator digest = stores.digestAuthenticator(config.auth(), accounts, clock);
            Registrar registrar = new Registrar(config.registrar(), locations, factories.messages(),
                    factories.headers(), factories.addresses(), clock, nodes.self());
            RouteToken routeToken = stores.routeToken(dataDir, clock, config.proxy().dialogMaxAge());
            HandoffToken handoffToken = stores.handoffToken(clock);
            TargetResolver targets = new TargetResolver(local, accounts, locations, config.proxy().destinations(),
                    nodes, factories);
            if (config.media().relay() != MediaSettings.RelayPolicy.NEVER) {
                // a call's relay must outlive the node that chose it (config: relay.servers is set in a cluster)
                relay = relays.open(config.relay(), Optional.ofNullable(stores.redis())
                        .map(redis -> new RedisRelayPlacements(redis, config.proxy().dialogMaxAge())));
            }
            media = new MediaAnchor(Optional.ofNullable(relay), config.media(), config.cluster().clustered());
            CallsInProgress calls = new CallsInProgress(local, accounts, config.proxy().dialogMaxAge(), clock);
            Forwarder forwarder = new Forwarder(factories, local, edge.providers(), routeToken, handoffToken, timers,
                    config.proxy().inviteTimeout(), im.deviceAnswer(), media, config.proxy().destinations(),
                    nodes::isNode, calls, edge.counters().responsesSent()::sent);
            presence = new PresenceServer(config.presence(), locations, calls, targets,
                    forwarder.originator(), timers, factories, local.domain(), clock);
            calls.onChange(presence::changed);
            MessagingMetrics metrics = new MessagingMetrics();
            MessageDelivery delivery = new MessageDelivery(messages, stores.deliveryLeases(timers),
                    new RegisteredDevices(locations),
                    new SipDeviceMessenger(locations, targets, forwarder.originator(), factories, config.sip().domain()), timers,
                    metrics);
            StoreAndForward keeping = new StoreAndForward(messages, delivery, metrics);
            MessagePolicy messagePolicy = new MessagePolicy(im.maxMessageBytes());
            OfflineMessaging offline = new OfflineMessaging(keeping, messagePolicy, new Responses(factories));
            GroupMessaging groups = new GroupMessaging(accounts, new GroupFanOut(keeping, metrics),
                    new Responses(factories), config.sip().domain(), metrics, messagePolicy);
            RequestRouter router = new RequestRouter(local,
                    new RequestAuthenticator(digest, factories, local.domain(),
                            config.compatibility().md5OnlyUserAgents()),
                    new NodeHandoff(nodes.self(), handoffToken, locations, targets, factories, local.domain()),
                    new InDialogHandler(local, routeToken, handoffToken, targets, media, config.proxy(), config.tls().required(),
                            factories),
                    new RegisterHandler(local, config.proxy(), registrar, user -> {
                        offline.deviceRegistered(user);
                        presence.changed(user);
                    }, factories),
                    new InviteHandler(local, accounts, targets, media, factories),
                    new MessageHandler(local, accounts, targets, offline, groups, factories),
                    new ForwardingHandler(local, targets, factories),
                    new PresenceHandler(presence, config.presence(), accounts,
                            new CurrentDirectory(accounts::current, local.domain())::get, factories, local.domain(), clock),
                    config.proxy().foreignDomains(), config.tls().required(), factories);
            OfflineStore store = messages;
            timers.scheduleWithFixedDelay(() -> {
                try {
                    metrics.expired(store.purgeExpired());
                } catch (StoreUnavailableException e) {
                    // Redis away: an outage is logged once (SharedStateHealth), not every minute; the next round purges
                    LOG.debug("cannot purge expired messages now: {}", e.getMessage());
                } catch (RuntimeException e) {
                    // the next round purges; a periodic task that throws is never run again
                    LOG.warn("cannot purge expired messages: {}", e.toString());
                }
                metrics.log();
            }, METRICS_SECONDS, METRICS_SECONDS, TimeUnit.SECONDS);
            timers.scheduleWithFixedDelay(() -> sweepExpiredBindings(locations), EXPIRY_SWEEP_SECONDS,
                    EXPIRY_SWEEP_SECONDS, TimeUnit.SECONDS);
            timers.scheduleWithFixedDelay(presence::sweep, PRESENCE_SWEEP_SECONDS, PRESENCE_SWEEP_SECONDS,
                    TimeUnit.SECONDS);
            if (relay != null) {
                timers.scheduleWithFixedDelay(media::forgetCallsTheRelayEnded, RELAYED_CALLS_SWEEP_SECONDS,
                        RELAYED_CALLS_SWEEP_SECONDS, TimeUnit.SECONDS);
            }
            edge.start(router, forwarder);
            // RFC 8737: an ACME CA's TLS-ALPN-01 handshakes are answered on the HTTPS service
            Optional<TlsAlpn01Responder> tlsAlpn01 = tls.isPresent() && config.tls().acme().answersTlsAlpn01()
                    ? Optional.of(new TlsAlpn01Responder(config.tls().acme().names(), stores.acmeState()))
                    : Optional.empty();
            if (config.http().port() != 0) {
                provisioning = startProvisioning(config, accounts, tls.orElseThrow(),
                        stores.enrolmentTokens(dataDir, config.http().tokenTtl(), clock), dataDir, clock, tlsAlpn01);
            }
            if (tls.isPresent() && config.tls().acme().enabled()) {
                // after the listeners: the private CA serves them until the first order succeeds (issue 15)
                acme = AcmeCertificates.start(config.tls().acme(), tls.get(), dataDir, config.sip().addresses(),
                        config.http().publicUrl(), clock, stores.acmeState(),
                        config.cluster().nodeUri().orElse(""), tlsAlpn01);
            }
            if (admin != null) {
                admin.serving(new ServerFigures(edge, locations, accounts, digest.counters(), media, calls,
                        Optional.ofNullable(relay), metrics, messages, tls, Optional.ofNullable(stores.redis()),
                        Optional.ofNullable(provisioning).map(ProvisioningService::counters),
                        Optional.ofNullable(acme)));
            }
        } catch (IOException | UsersFileException | SipException | RuntimeException e) {
            closeQuietly(acme, provisioning, edge, relay, accounts, messages, stores.locationStore(), stores.redis());
            timers.shutdownNow();
            throw e;
        }
        LOG.info("serving sip domain {} on {} (udp {}, tcp {}, tls {}), {} users, {} registered devices",
                config.sip().domain(), config.sip().addresses(), config.sip().udpPort(), config.sip().tcpPort(),
                config.sip().tlsPort(), accounts.all().size(), locations.count());
        return new SipServer(accounts, stores, messages, timers, edge, tls, relay, media, provisioning, acme, lock,
                admin, presence);
    }

    /** Provisioned clients register over TLS when there is a TLS listener, else over TCP, else UDP. */
    private static ProvisioningService startProvisioning(LiaisonConfig config, WatchedAccountDirectory accounts,
            TlsCredentials tls, EnrolmentTokenStore tokens, Path dataDir, Clock clock,
            Optional<TlsAlpn01Responder> tlsAlpn01) throws IOException, UsersFileException {
        SipSettings sip = config.sip();
        String host = sip.addresses().get(0).getHostAddress();
        SipEndpoint endpoint = sip.tlsPort() != 0 ? new SipEndpoint(host, sip.tlsPort(), "tls")
                : sip.tcpPort() != 0 ? new SipEndpoint(host, sip.tcpPort(), "tcp")
                : new SipEndpoint(host, sip.udpPort(), "udp");
        Optional<String> caPem = tls.caCertificate().isEmpty() ? Optional.empty()
                : Optional.of(Files.readString(tls.caCertificate().get()));
        HttpSettings http = config.http();
        return ProvisioningService.start(new ProvisioningSettings(sip.addresses(), http.port(), http.publicUrl(),
                http.tokenTtl(), http.devicesFile(), http.phoneTemplates(), SipEdge.TLS_CIPHER_SUITES,
                new FileSharingSettings(dataDir.resolve("files"), http.files().maxBytes(), http.files().expiry(),
                        http.files().quotaPerUserBytes(), config.cluster().clustered())), sip.domain(),
                accounts::current, endpoint,
                tls.keyManager(), caPem, tokens, clock,
                tlsAlpn01.<Supplier<ChannelHandler>>map(responder -> responder::newHandler));
    }

    /**
     * A failed sweep is only logged (Redis away: at DEBUG, its outage is logged once): a periodic
     * task that throws is never run again, and the next sweep catches up.
     */
    private static void sweepExpiredBindings(LocationService locations) {
        try {
            locations.purgeExpired();
        } catch (SharedStateUnavailable e) {
            LOG.debug("expired bindings not swept this time: {}", e.getMessage());
        } catch (UncheckedIOException e) {
            LOG.warn("expired bindings not swept this time: {}", e.getMessage());
        }
    }

    /** A user removed from users.csv, or disabled there, loses every registration at once. */
    private static void endRegistrationsOfRemovedUsers(AccountChanges changes, LocationService locations) {
        for (String user : changes.removed()) {
            locations.removeAll(user);
            LOG.info("user {} removed or disabled in the users file: registrations ended", user);
        }
    }

    /**
     * The relay in this process (binding ports on relay.address) when relay.servers is empty, otherwise a client of
     * those relays over ng, sharing them with the other nodes of a cluster through {@code placements}.
     */
    public static MediaRelay openRelay(RelaySettings settings, Optional<RelayPlacements> placements) {
        RelayConfig config = settings.toRelayConfig();
        if (config.servers().isEmpty()) {
            return RelaySessions.start(config);
        }
        return placements.map(shared -> NgMediaRelay.sharing(config.servers(), shared))
                .orElseGet(() -> NgMediaRelay.to(config.servers()));
    }

    /** The data directory, created private to the server's user when missing. */
    static Path createDataDir(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            Files.createDirectories(dataDir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return dataDir;
    }

    /** The TLS identity of SIP over TLS and HTTPS provisioning; empty when both are off. */
    public Optional<TlsCredentials> tls() {
        return tls;
    }

    public LocationService locations() {
        return locations;
    }

    public OfflineStore messages() {
        return messages;
    }

    /** Which calls go through the media relay. */
    public MediaAnchor media() {
        return media;
    }

    /** The subscriptions to presence this node holds. */
    public PresenceServer presence() {
        return presence;
    }

    public WatchedAccountDirectory accounts() {
        return accounts;
    }

    /**
     * Stops handing out configurations and listening first, then the relay, then flushes the stores
     * (the location journal is forced to disk), and only then lets another server have the data directory.
     */
    @Override
    public void close() {
        closeQuietly(acme, admin, provisioning, edge, relay, accounts, messages, locationStore, redis, lock);
        timers.shutdownNow();
        LOG.info("stopped");
    }

    private static void closeQuietly(AutoCloseable... parts) {
        for (AutoCloseable part : parts) { // in the order given: the edge first, the stores last
            if (part == null) {
                continue;
            }
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("while closing {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
