package org.liaison.sip;

import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.liaison.im.DeliveryLeases;
import org.liaison.im.FileOfflineStore;
import org.liaison.im.LocalDeliveryLeases;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.redis.RedisDeliveryLeases;
import org.liaison.im.redis.RedisDurability;
import org.liaison.im.redis.RedisNotDurable;
import org.liaison.im.redis.RedisOfflineStore;
import org.liaison.im.redis.ReplicaConfirmation;
import org.liaison.im.redis.SharedRedis;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.enrolment.EnrolmentTokenStore;
import org.liaison.provisioning.enrolment.EnrolmentTokens;
import org.liaison.sip.auth.DigestAuthenticator;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.cluster.KnownEmptyQueues;
import org.liaison.sip.cluster.RedisAuthFailures;
import org.liaison.sip.cluster.RedisEnrolmentTokens;
import org.liaison.sip.cluster.RedisAcmeState;
import org.liaison.sip.cluster.RedisTlsIdentity;
import org.liaison.sip.cluster.SharedSecrets;
import org.liaison.sip.cluster.SharedStateHealth;
import org.liaison.sip.config.AuthSettings;
import org.liaison.sip.config.ClusterSettings;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.proxy.HandoffToken;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.config.SipSettings;
import org.liaison.sip.proxy.RouteToken;
import org.liaison.sip.registrar.ClusterNodes;
import org.liaison.sip.registrar.EmbeddedLocationService;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.RedisLocationService;
import org.liaison.sip.tls.CertificateProblem;
import org.liaison.sip.tls.TlsCredentials;
import org.liaison.sip.tls.acme.SharedAcmeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this process keeps the state a cluster shares (issue 10): in data.dir when it serves the
 * domain alone, in Redis when {@code cluster.redis-uri} is set. So far: registrations, stored messages and who
 * delivers them, enrolment tokens, the guessing defence's counts and blocks, the nodes of the cluster, the keys of
 * the Record-Route token and of node handoffs, and the TLS CA. In Redis
 * every store uses the node's one connection ({@link ClusterRedis}).
 *
 * @param redis         the shared Redis, {@code null} on one machine; closed after the stores
 * @param locations     the location service
 * @param locationStore what closes it (the journal, or the Redis subscription)
 */
record StateStores(ClusterRedis redis, LocationService locations, AutoCloseable locationStore) {
    private static final String ROUTE_TOKEN_SECRET = "route-token";
    static final String HANDOFF_SECRET = "node-handoff";
    /**
     * How long a stored message waits for the replicas of {@code cluster.redis-wait-replicas}: far above a replica's
     * round trip on a LAN, and below the connection's 2 s command timeout, which would otherwise end the WAIT first.
     */
    private static final Duration REPLICA_WAIT = Duration.ofMillis(1000);
    private static final Logger LOG = LoggerFactory.getLogger(StateStores.class);

    /** Connects to Redis (failing with one line naming cluster.redis-uri) or opens the files. */
    static StateStores open(ClusterSettings cluster, Path dataDir, Clock clock) throws IOException {
        if (!cluster.clustered()) {
            EmbeddedLocationService locations = EmbeddedLocationService.open(dataDir, clock);
            return new StateStores(null, locations, locations);
        }
        ClusterRedis redis = ClusterRedis.connect(cluster.redisUri().orElseThrow());
        try {
            RedisLocationService locations = RedisLocationService.open(redis, clock);
            return new StateStores(redis, locations, locations);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /**
     * The Record-Route token: its key in data.dir on one machine, the cluster's in Redis otherwise, so that an
     * in-dialog request may come back through any node.
     */
    RouteToken routeToken(Path dataDir, Clock clock, Duration dialogMaxAge) throws IOException {
        if (redis == null) {
            return RouteToken.open(dataDir, clock, dialogMaxAge);
        }
        return RouteToken.withKey(new SharedSecrets(redis).secret(ROUTE_TOKEN_SECRET, RouteToken.KEY_BYTES), clock,
                dialogMaxAge);
    }

    /**
     * The nodes of the cluster, this one having joined them; none on one machine. Joining is what tells the others
     * this node's URI, so that they forward to it as a node.
     */
    ClusterNodes clusterNodes(ClusterSettings cluster, SipFactories sip) {
        return redis == null ? ClusterNodes.standalone() : ClusterNodes.join(redis, cluster.nodeUri().orElseThrow(), sip);
    }

    /** The token binding a request one node hands another: made with the cluster's key; with nobody's on one machine. */
    HandoffToken handoffToken(Clock clock) throws IOException {
        if (redis == null) {
            return HandoffToken.unshared(clock);
        }
        return HandoffToken.withKey(new SharedSecrets(redis).secret(HANDOFF_SECRET, HandoffToken.KEY_BYTES), clock);
    }

    /**
     * Digest authentication: nonces signed with a key drawn at start and their counts in memory, each node its own
     * (a nonce from another node gets a stale challenge); the guessing defence's counts and blocks in memory on one
     * machine, the cluster's otherwise.
     */
    DigestAuthenticator digestAuthenticator(AuthSettings settings, AccountDirectory accounts, Clock clock) {
        if (redis == null) {
            return new DigestAuthenticator(settings, accounts, clock);
        }
        return new DigestAuthenticator(settings, accounts, clock, new RedisAuthFailures(redis, settings));
    }

    /**
     * The server's TLS identity: the admin's PEM files when configured; else the private CA in data.dir on one
     * machine, the cluster's (kept in Redis, the same chain on every node) otherwise.
     */
    TlsCredentials tlsCredentials(LiaisonConfig config, Path dataDir, Clock clock)
            throws CertificateProblem, IOException {
        SipSettings sip = config.sip();
        if (redis == null) {
            return TlsCredentials.open(config.tls(), sip.domain(), sip.addresses(), dataDir, clock);
        }
        return TlsCredentials.openShared(config.tls(), sip.domain(), sip.addresses(), config.cluster().tlsNames(),
                new RedisTlsIdentity(redis), dataDir, clock);
    }

    /** ACME's account key and certificate: this node's alone in data.dir on one machine, the cluster's in Redis. */
    Optional<SharedAcmeState> acmeState() {
        return Optional.ofNullable(redis).map(RedisAcmeState::new);
    }

    /** Enrolment tokens, each spent once across the cluster: in data.dir on one machine, in Redis otherwise. */
    EnrolmentTokenStore enrolmentTokens(Path dataDir, Duration ttl, Clock clock) {
        return enrolmentTokens(redis, dataDir, ttl, clock);
    }

    /** As {@link #enrolmentTokens(Path, Duration, Clock)}, for a command that opens no other store ({@code redis} may be null). */
    static EnrolmentTokenStore enrolmentTokens(ClusterRedis redis, Path dataDir, Duration ttl, Clock clock) {
        return redis == null ? new EnrolmentTokens(dataDir, ttl, clock) : new RedisEnrolmentTokens(redis, ttl, clock);
    }

    /**
     * The offline store: files in data.dir on one machine; in cluster mode Redis, which must persist every write (a
     * 202 means the message is on disk), through the node's connection, with this node's note of the users who have
     * nothing waiting (kept right by a subscription), so that a REGISTER checks theirs without a round trip. With
     * {@code cluster.redis-wait-replicas} set, a stored message is also on that many replicas before its 202, written
     * on a connection of its own ({@link ReplicaConfirmation}).
     */
    OfflineStore offlineStore(Path dataDir, OfflineStoreSettings settings, Clock clock, int waitReplicas)
            throws IOException {
        if (redis == null) {
            return FileOfflineStore.open(dataDir, settings, clock);
        }
        SharedRedis shared = sharedWithIm(redis.commands());
        ReplicaConfirmation writes = ReplicaConfirmation.none(shared);
        if (waitReplicas > 0) {
            redis.connectedReplicas().stream().filter(connected -> connected < waitReplicas).forEach(connected ->
                    LOG.warn("cluster.redis-wait-replicas is {} but the Redis primary has {} replica(s) connected now:"
                            + " stored messages get 503 until enough replicas confirm them", waitReplicas, connected));
            writes = ReplicaConfirmation.of(sharedWithIm(redis.dedicatedCommands()), waitReplicas, REPLICA_WAIT);
        }
        RedisOfflineStore store = RedisOfflineStore.open(shared, settings, clock, KnownEmptyQueues.subscribed(redis),
                writes);
        redis.whenReconnected(() -> checkStillDurable(shared));
        return store;
    }

    /**
     * The start's durability check again after a reconnection: Sentinel may have promoted a replica set up otherwise.
     * Stores go on (refusing every message for a replica's setting would be an outage of chat); the log says loudly
     * what no longer holds.
     */
    private static void checkStillDurable(SharedRedis shared) {
        try {
            RedisDurability.check(shared.commands(), shared.where());
            LOG.info("{}: Redis persists every write (checked again after reconnecting)", shared.where());
        } catch (RedisNotDurable e) {
            LOG.error("{} (found on reconnecting: a failover to a replica set up otherwise?); stored messages are"
                    + " acknowledged without that guarantee until it is fixed", e.getMessage());
        } catch (RuntimeException e) {
            LOG.debug("durability not checked after reconnecting: {}", e.toString());
        }
    }

    /**
     * Who delivers stored messages to a device: this process alone on one machine; in cluster mode one node at a
     * time, by a lease in Redis renewed on {@code timers}.
     */
    DeliveryLeases deliveryLeases(ScheduledExecutorService timers) {
        return redis == null ? new LocalDeliveryLeases()
                : new RedisDeliveryLeases(sharedWithIm(redis.commands()), timers, RedisDeliveryLeases.TERM);
    }

    /** A connection of the node's as im's stores take it (im knows no sip-server); their failures reach its health watch. */
    private SharedRedis sharedWithIm(RedisCommands<String, byte[]> commands) {
        SharedStateHealth health = redis.health();
        return new SharedRedis(commands, "cluster.redis-uri " + redis.where(), new SharedRedis.Health() {
            @Override
            public void failed(RuntimeException cause) {
                health.unavailable("use the message store", cause);
            }

            @Override
            public void answered() {
                health.reachable();
            }
        });
    }
}
