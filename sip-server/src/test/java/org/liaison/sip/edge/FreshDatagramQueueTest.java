package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import java.net.DatagramPacket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class FreshDatagramQueueTest {
    private static final long MAX_WAIT = TimeUnit.MILLISECONDS.toNanos(250);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LongAdder expired = new LongAdder();
    private final FreshDatagramQueue queue = new FreshDatagramQueue(MAX_WAIT, now::get, expired);

    @Test
    void aWorkerGetsTheFirstDatagramThatWaitedNoLongerThanTheLimitAndTheOlderOnesAreCounted() throws Exception {
        received();
        now.addAndGet(MAX_WAIT / 2);
        received();
        now.addAndGet(MAX_WAIT / 2 + 1);
        DatagramQueuedMessageDispatch onTheLimit = received();
        DatagramQueuedMessageDispatch next = received();
        now.addAndGet(MAX_WAIT);

        assertSame(onTheLimit, queue.take(), "the two that waited longer are skipped");
        assertEquals(2, expired.sum());
        assertSame(next, queue.take(), "the skipped ones are gone, not handed later");
        assertNull(queue.poll(0, TimeUnit.NANOSECONDS));
        assertEquals(2, expired.sum());
    }

    @Test
    void pollingSkipsStaleDatagramsAsTakingDoes() throws Exception {
        received();
        now.addAndGet(MAX_WAIT + 1);
        DatagramQueuedMessageDispatch fresh = received();

        assertSame(fresh, queue.poll(0, TimeUnit.NANOSECONDS));
        assertEquals(1, expired.sum());
    }

    private DatagramQueuedMessageDispatch received() {
        DatagramQueuedMessageDispatch d = new DatagramQueuedMessageDispatch(new DatagramPacket(new byte[1], 1),
                now.get());
        queue.offer(d);
        return d;
    }
}
