package org.liaison.im;

import java.time.Duration;

/**
 * Who delivers stored messages to a device right now: at most one delivery per device at a time,
 * so the device gets each message once and in order (oldest first, the next only after it took
 * the previous one). On one machine the deliveries of this process are all there is
 * ({@link LocalDeliveryLeases}); in a cluster the nodes sharing the store also share the leases
 * ({@code org.liaison.im.redis.RedisDeliveryLeases}), each taken for a bounded term so that a
 * node that dies holding one blocks the device for at most that term.
 */
public interface DeliveryLeases {

    /**
     * Takes the device's lease if no delivery holds it.
     *
     * @throws StoreUnavailableException the cluster's Redis cannot be reached: no delivery starts now
     */
    Claim take(String recipient, String deviceKey);

    /** What {@link #take} found. */
    sealed interface Claim permits Granted, HeldHere, HeldElsewhere {
    }

    /** The lease is the caller's until it releases it: it alone sends to the device. */
    record Granted(Lease lease) implements Claim {
    }

    /** A delivery of this process holds it, and sends what is waiting. */
    record HeldHere() implements Claim {
    }

    /**
     * Another node holds it and delivers; should that node have died, its lease lapses within
     * {@code lapsesWithin}, after which taking it again succeeds.
     */
    record HeldElsewhere(Duration lapsesWithin) implements Claim {
    }

    /** One delivery's hold on one device. */
    interface Lease {

        /**
         * Called before each message is sent: makes sure the lease is still held, for a full term
         * from now. False when it was lost (another node took the device over after the lease
         * lapsed, or the store cannot be reached): the delivery must stop sending.
         */
        boolean renew();

        /** Ends the hold so that the next delivery may start; a lease already lost or released is left alone. */
        void release();
    }
}
