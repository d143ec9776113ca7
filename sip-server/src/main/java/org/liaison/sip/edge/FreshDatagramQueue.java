package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The queue between a UDP listener and JAIN-SIP's workers, which, while a backlog of at least {@link #BACKLOG}
 * datagrams waits, hands a worker only datagrams that waited at most {@code maxWaitNanos} (their reception time read
 * from {@code clock}); the older ones are dropped and counted. Why: {@link DatagramProcessor}.
 */
final class FreshDatagramQueue extends LinkedBlockingQueue<DatagramQueuedMessageDispatch> {
    /**
     * Below this many datagrams still waiting, even a late one is handed out: the wait came from a CPU busy with
     * something else (a collection, a JIT burst, other processes), not from more requests than the workers can take,
     * and such a short queue drains as soon as the CPU is back; dropping would only cost a retransmission.
     */
    static final int BACKLOG = 64;

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
        if (size() < BACKLOG || clock.getAsLong() - queued.getReceptionTime() <= maxWaitNanos) {
            return true;
        }
        expired.increment();
        return false;
    }
}
