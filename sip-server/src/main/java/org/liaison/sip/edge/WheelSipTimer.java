package org.liaison.sip.edge;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.SIPStackTimerTask;
import gov.nist.javax.sip.stack.timers.SipTimer;
import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's transaction timers on a hashed timing wheel (Netty's {@link HashedWheelTimer}) instead of the stack's
 * default {@code java.util.Timer}.
 *
 * <p>Why: every transaction arms timers (a completed non-INVITE server transaction waits out timer J, 32 s over
 * UDP; every client transaction ticks every 500 ms until its final response, then waits out timer K), so at 1000
 * MESSAGE/s the default timer's binary heap holds ~40,000 tasks, and each insertion and expiry walks ~15 levels of
 * it, touching a task object in memory at each: 9 % of the server's Java samples under MESSAGE load went to
 * {@code TaskQueue.fixDown} and the timer's loop (docs/BENCHMARKS.md, "timers on a wheel", 2026-12-06 23:03). A
 * wheel inserts and expires a task in constant time and forgets a cancelled one at once, where
 * {@code java.util.Timer} keeps it in the heap until its time comes. The cost is precision: a task runs up to one
 * {@link #TICK_MS} late, which no SIP timer notices (the shortest, T1, is 500 ms). The wheel's thread wakes every
 * tick, work or not, and each wake-up costs ~50 µs of CPU on a small VM: at 10 ms ticks that was 5.5 ms of CPU a
 * second with no load and most of the thread's cost under load (Kamailio's timer ticks every 62.5 ms).
 *
 * <p>Tasks run one at a time on the wheel's thread, as they do on the default timer's.
 */
public final class WheelSipTimer implements SipTimer {
    private static final Logger LOG = LoggerFactory.getLogger(WheelSipTimer.class);
    static final long TICK_MS = 50;
    /** 1024 ticks of 50 ms: one turn (51 s) outlasts timer J, so most tasks expire on their first pass. */
    private static final int TICKS_PER_WHEEL = 1024;

    private final AtomicBoolean started = new AtomicBoolean();
    private volatile HashedWheelTimer wheel;

    /** Made by the stack by reflection (gov.nist.javax.sip.TIMER_CLASS_NAME). */
    public WheelSipTimer() {
    }

    @Override
    public void start(SipStackImpl sipStack, Properties configurationProperties) {
        wheel = new HashedWheelTimer(new DefaultThreadFactory("liaison-sip-timer", true), TICK_MS,
                TimeUnit.MILLISECONDS, TICKS_PER_WHEEL, false);
        wheel.start();
        started.set(true);
    }

    @Override
    public boolean isStarted() {
        return started.get();
    }

    @Override
    public boolean schedule(SIPStackTimerTask task, long delay) {
        Scheduled scheduled = new Scheduled(task, 0);
        scheduled.arm(delay);
        return true;
    }

    @Override
    public boolean scheduleWithFixedDelay(SIPStackTimerTask task, long delay, long period) {
        Scheduled scheduled = new Scheduled(task, period);
        scheduled.arm(delay);
        return true;
    }

    @Override
    public boolean cancel(SIPStackTimerTask task) {
        return task.getSipTimerTask() instanceof Scheduled scheduled && scheduled.cancel();
    }

    @Override
    public void stop() {
        started.set(false);
        HashedWheelTimer stopping = wheel;
        if (stopping != null) {
            stopping.stop();
        }
    }

    /** One task of the stack on the wheel: once, or again {@code period} ms after each run until cancelled. */
    private final class Scheduled implements io.netty.util.TimerTask {
        private final SIPStackTimerTask task;
        private final long period;
        private final AtomicBoolean cancelled = new AtomicBoolean();
        private volatile Timeout next;

        Scheduled(SIPStackTimerTask task, long period) {
            this.task = task;
            this.period = period;
            task.setSipTimerTask(this);
        }

        /** Throws IllegalStateException once the timer is stopped, as the stack's default timer does. */
        void arm(long delayMs) {
            if (!started.get()) {
                throw new IllegalStateException("the SIP stack's timer is stopped, no task can be scheduled");
            }
            next = wheel.newTimeout(this, delayMs, TimeUnit.MILLISECONDS);
            if (cancelled.get()) {
                next.cancel(); // cancelled while being armed
            }
        }

        @Override
        public void run(Timeout timeout) {
            if (cancelled.get()) {
                return;
            }
            try {
                task.runTask();
            } catch (RuntimeException | Error e) {
                LOG.error("a SIP stack timer task failed", e);
            }
            if (period > 0 && !cancelled.get()) {
                try {
                    arm(period);
                } catch (IllegalStateException stopping) {
                    // the stack stopped while the task ran: nothing is scheduled any more
                }
            }
        }

        /** False when it was cancelled already: the task is told to clean up once, whoever cancels first. */
        boolean cancel() {
            if (!cancelled.compareAndSet(false, true)) {
                return false;
            }
            task.cleanUpBeforeCancel();
            Timeout armed = next;
            if (armed != null) {
                armed.cancel();
            }
            return true;
        }
    }
}
