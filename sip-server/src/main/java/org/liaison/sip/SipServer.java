package org.liaison.sip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sip.SipException;
import org.liaison.im.FileOfflineStore;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.provisioning.AccountChanges;
import org.liaison.provisioning.UsersFileException;
import org.liaison.provisioning.WatchedAccountDirectory;
import org.liaison.sip.auth.DigestAuthenticator;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.config.MessagingSettings;
import org.liaison.sip.edge.SipEdge;
import org.liaison.sip.edge.SipFactories;
import org.liaison.sip.messaging.GroupMessaging;
import org.liaison.sip.messaging.MessageDelivery;
import org.liaison.sip.messaging.MessagingMetrics;
import org.liaison.sip.messaging.OfflineMessaging;
import org.liaison.sip.proxy.Forwarder;
import org.liaison.sip.registrar.EmbeddedLocationService;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.Registrar;
import org.liaison.sip.routing.LocalAddresses;
import org.liaison.sip.routing.RequestRouter;
import org.liaison.sip.routing.Responses;
import org.liaison.sip.routing.TargetResolver;
import org.liaison.sip.routing.RouteToken;
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

    private final WatchedAccountDirectory accounts;
    private final EmbeddedLocationService locations;
    private final FileOfflineStore messages;
    private final ScheduledExecutorService timers;
    private final SipEdge edge;

    private SipServer(WatchedAccountDirectory accounts, EmbeddedLocationService locations, FileOfflineStore messages,
            ScheduledExecutorService timers, SipEdge edge) {
        this.accounts = accounts;
        this.locations = locations;
        this.messages = messages;
        this.timers = timers;
        this.edge = edge;
    }

    /** Starts serving; on failure everything opened so far is closed again. */
    public static SipServer start(LiaisonConfig config) throws IOException, UsersFileException, SipException {
        Clock clock = Clock.systemUTC();
        Path dataDir = createDataDir(config.dataDir());
        EmbeddedLocationService locations = EmbeddedLocationService.open(dataDir, clock);
        FileOfflineStore messages = null;
        WatchedAccountDirectory accounts = null;
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "liaison-timers");
            t.setDaemon(true);
            return t;
        });
        // timer C is cancelled for nearly every call: drop cancelled tasks at once, not after 120 s
        timers.setRemoveOnCancelPolicy(true);
        SipEdge edge = null;
        try {
            accounts = WatchedAccountDirectory.open(config.users().file(), config.sip().domain(),
                    config.users().pollInterval(), changes -> endRegistrationsOfRemovedUsers(changes, locations));
            MessagingSettings im = config.messaging();
            messages = FileOfflineStore.open(dataDir,
                    new OfflineStoreSettings(im.expiry(), im.maxQueuedPerUser(), im.maxMessageBytes()), clock);
            SipFactories factories = SipFactories.create();
            LocalAddresses local = new LocalAddresses(config.sip());
            edge = SipEdge.bind(config.sip(), config.limits(), local, factories);
            DigestAuthenticator digest = new DigestAuthenticator(config.auth(), accounts, clock);
            Registrar registrar = new Registrar(config.registrar(), locations, factories.messages(),
                    factories.headers(), factories.addresses(), clock);
            RouteToken routeToken = RouteToken.open(dataDir);
            TargetResolver targets = new TargetResolver(local, accounts, locations, config.proxy().destinations(),
                    factories);
            Forwarder forwarder = new Forwarder(factories, local, edge.providers(), routeToken, timers,
                    config.proxy().inviteTimeout(), im.deviceAnswer());
            MessagingMetrics metrics = new MessagingMetrics();
            MessageDelivery delivery = new MessageDelivery(messages, locations, targets, forwarder, factories,
                    config.sip().domain(), timers, metrics);
            OfflineMessaging offline = new OfflineMessaging(messages, delivery, new Responses(factories),
                    im.maxMessageBytes(), metrics);
            GroupMessaging groups = new GroupMessaging(accounts, messages, delivery, new Responses(factories),
                    config.sip().domain(), metrics);
            RequestRouter router = new RequestRouter(local, digest, accounts, targets, registrar, routeToken,
                    config.proxy(), config.compatibility(), offline, groups, factories);
            FileOfflineStore store = messages;
            timers.scheduleWithFixedDelay(() -> {
                metrics.expired(store.purgeExpired());
                metrics.log();
            }, METRICS_SECONDS, METRICS_SECONDS, TimeUnit.SECONDS);
            timers.scheduleWithFixedDelay(locations::purgeExpired, EXPIRY_SWEEP_SECONDS, EXPIRY_SWEEP_SECONDS,
                    TimeUnit.SECONDS);
            edge.start(router, forwarder);
        } catch (IOException | UsersFileException | SipException | RuntimeException e) {
            closeQuietly(edge, accounts, messages, locations);
            timers.shutdownNow();
            throw e;
        }
        LOG.info("serving sip domain {} on {} (udp {}, tcp {}), {} users, {} registered devices",
                config.sip().domain(), config.sip().addresses(), config.sip().udpPort(), config.sip().tcpPort(),
                accounts.all().size(), locations.count());
        return new SipServer(accounts, locations, messages, timers, edge);
    }

    /** A user removed from users.csv loses every registration at once. */
    private static void endRegistrationsOfRemovedUsers(AccountChanges changes, LocationService locations) {
        for (String user : changes.removed()) {
            locations.removeAll(user);
            LOG.info("user {} removed from the users file: registrations ended", user);
        }
    }

    private static Path createDataDir(Path dataDir) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            Files.createDirectories(dataDir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return dataDir;
    }

    public LocationService locations() {
        return locations;
    }

    public OfflineStore messages() {
        return messages;
    }

    public WatchedAccountDirectory accounts() {
        return accounts;
    }

    /** Stops listening first, then flushes the stores (the location journal is forced to disk). */
    @Override
    public void close() {
        closeQuietly(edge, accounts, messages, locations);
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
