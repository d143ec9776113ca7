package org.liaison.im.redis;

import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.liaison.im.DeliveryLeases;
import org.liaison.im.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery leases shared by the nodes of a cluster, so that two nodes on which one device registers
 * at the same instant do not both send it its stored messages: a lease is the key
 * {@code liaison:im:lease:<user>:<device>} holding its holder's random token, taken with an atomic
 * {@code SET NX PX} (one node wins), renewed by its holder before each send and, all of a node's
 * leases in one script, every third of the term (so a delivery waiting minutes to retry keeps its
 * device), and released by compare-and-delete (a Lua script), so that only its holder ends it. A node that dies holding one blocks the device's delivery for at
 * most a term; the nodes refused meanwhile learn when it lapses ({@link HeldElsewhere}).
 */
public final class RedisDeliveryLeases implements DeliveryLeases {
    private static final Logger LOG = LoggerFactory.getLogger(RedisDeliveryLeases.class);
    private static final Claim HELD_HERE = new HeldHere();

    /**
     * A lease's term. Renewed before each send, it must outlast one step of a delivery, or a live
     * holder waiting for its device's answer would lose the device to another node and the device
     * could get a message twice: a MESSAGE is a non-INVITE transaction, which ends at the latest
     * when Timer F fires after 64*T1 = 32 s (RFC 3261 §17.1.2.2), and the step's store calls each
     * wait at most the connection's command timeout (2 s). 45 s leaves margin for a loaded node,
     * and a node that dies holding the lease delays its device's messages by no more than that.
     */
    public static final Duration TERM = Duration.ofSeconds(45);

    private static final LuaScript TAKE = LuaScript.named("lease_take");
    private static final LuaScript RENEW = LuaScript.named("lease_renew");
    private static final LuaScript RELEASE = LuaScript.named("lease_release");

    private final SharedRedis redis;
    private final long termMs;
    /** Leases this node holds, by user and device, so its own second delivery is refused without asking Redis. */
    private final Map<String, RedisLease> held = new ConcurrentHashMap<>();

    /**
     * Renews the node's leases on {@code timers} every third of {@code term} ({@link #TERM} but in
     * tests) until {@code timers} is shut down with the node.
     */
    public RedisDeliveryLeases(SharedRedis redis, ScheduledExecutorService timers, Duration term) {
        this.redis = redis;
        this.termMs = term.toMillis();
        long renewEveryMs = Math.max(1, termMs / 3);
        timers.scheduleWithFixedDelay(this::renewHeld, renewEveryMs, renewEveryMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public Claim take(String recipient, String deviceKey) {
        RedisLease lease = new RedisLease(recipient, deviceKey, UUID.randomUUID().toString());
        if (held.putIfAbsent(lease.device, lease) != null) {
            return HELD_HERE;
        }
        long lapsesInMs;
        try {
            lapsesInMs = redis.call(() -> TAKE.<Long>run(redis.commands(), ScriptOutputType.INTEGER, take(lease)));
        } catch (StoreUnavailableException e) {
            held.remove(lease.device, lease);
            throw e;
        }
        if (lapsesInMs > 0) {
            held.remove(lease.device, lease);
            return new HeldElsewhere(Duration.ofMillis(lapsesInMs));
        }
        return new Granted(lease);
    }

    /**
     * Every lease this node holds, in one script: one command however many devices wait for a
     * retry. One that another node took meanwhile stays lost, and its delivery stops at its next send.
     */
    private void renewHeld() {
        List<RedisLease> leases = List.copyOf(held.values());
        if (leases.isEmpty()) {
            return;
        }
        try {
            renewAll(leases);
        } catch (RuntimeException e) {
            // caught, or the timer would never run it again; the outage is logged once by the node
            LOG.debug("delivery leases not renewed this time: {}", e.getMessage());
        }
    }

    /** How many of {@code leases} this node holds now, each for a full term from now. */
    private long renewAll(List<RedisLease> leases) {
        List<byte[]> args = LuaScript.args(termMs);
        leases.forEach(lease -> args.addAll(lease.identity()));
        return redis.call(() -> RENEW.<Long>run(redis.commands(), ScriptOutputType.INTEGER,
                args.toArray(byte[][]::new)));
    }

    private byte[][] take(RedisLease lease) {
        List<byte[]> args = lease.identity();
        args.addAll(LuaScript.args(termMs));
        return args.toArray(byte[][]::new);
    }

    private final class RedisLease implements Lease {
        private final String recipient;
        private final String deviceKey;
        private final String device;
        private final String token;

        RedisLease(String recipient, String deviceKey, String token) {
            this.recipient = recipient;
            this.deviceKey = deviceKey;
            this.device = recipient + "\n" + deviceKey;
            this.token = token;
        }

        /** Which lease it is, as the scripts take it: user, device, token. */
        List<byte[]> identity() {
            return LuaScript.args(recipient, deviceKey, token);
        }

        @Override
        public boolean renew() {
            try {
                return renewAll(List.of(this)) == 1;
            } catch (StoreUnavailableException e) {
                // the outage is logged once by the node; the delivery stops and the next REGISTER starts it again
                LOG.debug("delivery lease of a device of {} not renewed: {}", recipient, e.getMessage());
                return false;
            }
        }

        @Override
        public void release() {
            held.remove(device, this);
            try {
                redis.call(() -> RELEASE.run(redis.commands(), ScriptOutputType.INTEGER,
                        identity().toArray(byte[][]::new)));
            } catch (StoreUnavailableException e) {
                LOG.debug("delivery lease of a device of {} left to lapse: {}", recipient, e.getMessage());
            }
        }
    }
}
