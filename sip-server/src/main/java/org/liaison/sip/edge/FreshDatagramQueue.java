package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The queue between a UDP listener and JAIN-SIP's workers, which hands a worker only datagrams that waited at most
 * {@code maxWaitNanos} (their reception time read from {@code clock}); the older ones are dropped and counted.
 * Why: {@link DatagramProcessor}.
 */
final class FreshDatagramQueue extends LinkedBlockingQueue<DatagramQueuedMessageDispatch> {
    private final long maxWaitNanos;
    private final transient LongSupplier clock;
    private final transient LongAdder expired;

    FreshDatagramQueue(long maxWaitNanos, LongSupplier clock, LongAdder expired) {
        this.maxWaitNanos = maxWaitNanos;
        this.clock = clock;
        this.expired = expired;
    }

    @Override
    public DatagramQueuedMessageDispatch take() throws InterruptedException {
        while (true) {
            DatagramQueuedMessageDispatch next = super.take();
            if (fresh(next)) {
                return next;
            }
        }
    }

    /** The stack's workers poll instead of taking only when its thread auditor is on. */
    @Override
    public DatagramQueuedMessageDispatch poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = clock.getAsLong() + unit.toNanos(timeout);
        while (true) {
            DatagramQueuedMessageDispatch next = super.poll(deadline - clock.getAsLong(), TimeUnit.NANOSECONDS);
            if (next == null || fresh(next)) {
                return next;
            }
        }
    }

    private boolean fresh(DatagramQueuedMessageDispatch queued) {
        if (clock.getAsLong() - queued.getReceptionTime() <= maxWaitNanos) {
            return true;
        }
        expired.increment();
        return false;
    }
}
