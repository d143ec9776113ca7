package org.liaison.im.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.DeliveryLeases;
import org.liaison.im.DeliveryLeases.Lease;
import org.liaison.im.StoreUnavailableException;

/** The lease of one device on a real redis-server, as two nodes see it. */
class RedisDeliveryLeasesTest {
    private static final String KEY = "liaison:im:lease:bob:phone";

    @RegisterExtension
    static final RedisPerClass durable = RedisPerClass.durable();
    private RedisServer redis;

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private NodeConnection connectionA;
    private NodeConnection connectionB;

    @BeforeEach
    void connect() throws Exception {
        redis = durable.server();
        connectionA = new NodeConnection(redis.uri());
        connectionB = new NodeConnection(redis.uri());
    }

    @AfterEach
    void disconnect() {
        timers.shutdownNow();
        connectionA.close();
        connectionB.close();
    }

    @Test
    void oneNodeHoldsTheDeviceUntilItReleasesItThenTheOtherMayTakeIt() throws Exception {
        RedisDeliveryLeases nodeA = new RedisDeliveryLeases(connectionA.shared(), timers, RedisDeliveryLeases.TERM);
        RedisDeliveryLeases nodeB = new RedisDeliveryLeases(connectionB.shared(), timers, RedisDeliveryLeases.TERM);

        Lease lease = assertInstanceOf(DeliveryLeases.Granted.class, nodeA.take("bob", "phone")).lease();
        assertInstanceOf(DeliveryLeases.HeldHere.class, nodeA.take("bob", "phone"), "no second delivery on A");
        DeliveryLeases.HeldElsewhere refused = assertInstanceOf(DeliveryLeases.HeldElsewhere.class,
                nodeB.take("bob", "phone"));
        assertTrue(refused.lapsesWithin().compareTo(RedisDeliveryLeases.TERM) <= 0, refused.toString());
        assertInstanceOf(DeliveryLeases.Granted.class, nodeB.take("bob", "laptop"), "each device has its own");
        assertTrue(lease.renew());

        lease.release();

        assertEquals(":0", redis.command("EXISTS", KEY));
        assertInstanceOf(DeliveryLeases.Granted.class, nodeB.take("bob", "phone"));
    }

    @Test
    void aLeaseThatLapsedAndWasTakenByAnotherNodeIsNeitherRenewedNorReleasedByItsFormerHolder() throws Exception {
        RedisDeliveryLeases nodeA = new RedisDeliveryLeases(connectionA.shared(), timers, Duration.ofHours(1));
        RedisDeliveryLeases nodeB = new RedisDeliveryLeases(connectionB.shared(), timers, RedisDeliveryLeases.TERM);
        Lease stale = assertInstanceOf(DeliveryLeases.Granted.class, nodeA.take("bob", "phone")).lease();
        // A was cut off longer than a term: its lease lapsed, and B took the device over
        assertEquals(":1", redis.command("DEL", KEY));
        Lease current = assertInstanceOf(DeliveryLeases.Granted.class, nodeB.take("bob", "phone")).lease();

        assertFalse(stale.renew(), "A must stop sending");
        stale.release();

        assertEquals(":1", redis.command("EXISTS", KEY), "B's lease survives A's release");
        assertTrue(current.renew());
        assertInstanceOf(DeliveryLeases.HeldElsewhere.class, nodeA.take("bob", "phone"));
    }

    @Test
    void whileRedisIsAwayNoLeaseIsGrantedAndTheFailureReachesTheNodesHealthWatch() throws Exception {
        RedisDeliveryLeases nodeA = new RedisDeliveryLeases(connectionA.shared(), timers, RedisDeliveryLeases.TERM);
        Lease lease = assertInstanceOf(DeliveryLeases.Granted.class, nodeA.take("bob", "phone")).lease();
        redis.kill();
        try {
            assertFalse(lease.renew(), "a lease that cannot be confirmed is not sent on");
            lease.release();
            assertThrows(StoreUnavailableException.class, () -> nodeA.take("bob", "tablet"));
            assertEquals(3, connectionA.failures());
        } finally {
            redis.startAgain();
        }
    }
}
