package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.stack.SIPStackTimerTask;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WheelSipTimerTest {
    private final WheelSipTimer timer = new WheelSipTimer();

    WheelSipTimerTest() {
        timer.start(null, new Properties());
    }

    @AfterEach
    void stop() {
        timer.stop();
    }

    @Test
    void aTaskRunsOnceNoEarlierThanItsDelay() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        long start = System.nanoTime();
        timer.schedule(task(() -> {
            runs.incrementAndGet();
            ran.countDown();
        }), 50);

        assertTrue(ran.await(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50), "not before its delay");
        wheelPassed(100);
        assertEquals(1, runs.get(), "a one-shot task runs once");
    }

    @Test
    void aPeriodicTaskRunsAgainUntilItCancelsItselfAsTheStacksTransactionTimersDo() throws Exception {
        CountDownLatch thirdRun = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        SIPStackTimerTask[] self = new SIPStackTimerTask[1];
        self[0] = task(() -> {
            if (runs.incrementAndGet() == 3) {
                timer.cancel(self[0]);
                thirdRun.countDown();
            }
        });
        timer.scheduleWithFixedDelay(self[0], 10, 20);

        assertTrue(thirdRun.await(5, TimeUnit.SECONDS));
        wheelPassed(100);
        assertEquals(3, runs.get(), "no run after the task cancelled itself");
    }

    @Test
    void aCancelledTaskDoesNotRunAndIsToldToCleanUp() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        SIPStackTimerTask cancelled = new SIPStackTimerTask() {
            @Override
            public void runTask() {
                runs.incrementAndGet();
            }

            @Override
            public void cleanUpBeforeCancel() {
                cleanedUp.countDown();
            }

            @Override
            public Object getThreadHash() {
                return null;
            }
        };
        timer.schedule(cancelled, 30);

        assertTrue(timer.cancel(cancelled));
        assertFalse(timer.cancel(cancelled), "cancelling twice changes nothing");
        wheelPassed(60);
        assertEquals(0, runs.get());
        assertEquals(0, cleanedUp.getCount());
    }

    @Test
    void aFailingTaskDoesNotStopTheOthers() throws Exception {
        timer.schedule(task(() -> {
            throw new IllegalStateException("a task's own failure");
        }), 10);

        wheelPassed(40);
    }

    @Test
    void onceStoppedItSaysSoAndRefusesNewTasksAsTheStacksDefaultTimerDoes() {
        assertTrue(timer.isStarted());
        timer.stop();

        assertFalse(timer.isStarted());
        assertThrows(IllegalStateException.class, () -> timer.schedule(task(() -> { }), 10));
    }

    /** Waits until a task scheduled {@code delayMs} from now has run: the wheel runs its tasks in time order. */
    private void wheelPassed(long delayMs) throws InterruptedException {
        CountDownLatch passed = new CountDownLatch(1);
        timer.schedule(task(passed::countDown), delayMs);
        assertTrue(passed.await(5, TimeUnit.SECONDS), "the wheel turns");
    }

    private static SIPStackTimerTask task(Runnable body) {
        return new SIPStackTimerTask() {
            @Override
            public void runTask() {
                body.run();
            }

            @Override
            public Object getThreadHash() {
                return null;
            }
        };
    }
}
