package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void underABacklogAWorkerGetsTheFirstDatagramThatWaitedNoLongerThanTheLimitAndTheOlderOnesAreCounted()
            throws Exception {
        received();
        now.addAndGet(MAX_WAIT / 2);
        received();
        now.addAndGet(MAX_WAIT / 2 + 1);
        DatagramQueuedMessageDispatch onTheLimit = received();
        DatagramQueuedMessageDispatch next = received();
        backlogOf(FreshDatagramQueue.BACKLOG + 4); // still a backlog behind each of the four taken
        now.addAndGet(MAX_WAIT);

        assertSame(onTheLimit, queue.take(), "the two that waited longer are skipped");
        assertEquals(2, expired.sum());
        assertSame(next, queue.take(), "the skipped ones are gone, not handed later");
        assertEquals(2, expired.sum());
    }

    @Test
    void pollingSkipsStaleDatagramsAsTakingDoes() throws Exception {
        received();
        now.addAndGet(MAX_WAIT + 1);
        DatagramQueuedMessageDispatch fresh = received();
        backlogOf(FreshDatagramQueue.BACKLOG + 2);

        assertSame(fresh, queue.poll(0, TimeUnit.NANOSECONDS));
        assertEquals(1, expired.sum());
    }

    @Test
    void withoutABacklogALateDatagramIsStillHandedOut() throws Exception {
        DatagramQueuedMessageDispatch late = received();
        backlogOf(FreshDatagramQueue.BACKLOG);
        now.addAndGet(10 * MAX_WAIT);

        assertSame(late, queue.take(), "a short queue late only because the CPU was busy elsewhere");
        assertEquals(0, expired.sum());
    }

    /** Datagrams received now, behind those queued so far, up to {@code size} in the queue. */
    private void backlogOf(int size) {
        while (queue.size() < size) {
            received();
        }
    }

    private DatagramQueuedMessageDispatch received() {
        DatagramQueuedMessageDispatch d = new DatagramQueuedMessageDispatch(new DatagramPacket(new byte[1], 1),
                now.get());
        queue.offer(d);
        return d;
    }
}
