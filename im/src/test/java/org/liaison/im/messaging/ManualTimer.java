package org.liaison.im.messaging;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

/** Retries run when the test says, so backoff is tested without waiting for it. */
final class ManualTimer implements MessageDelivery.Timer {
    private final List<Runnable> due = new ArrayList<>();
    final List<Long> delaysMs = new ArrayList<>();

    @Override
    public synchronized void schedule(Runnable task, long delayMs) {
        due.add(task);
        delaysMs.add(delayMs);
    }

    /** Runs the one scheduled task, as if its delay had passed. */
    void fire() {
        Runnable task;
        synchronized (this) {
            assertFalse(due.isEmpty(), "nothing scheduled");
            task = due.remove(0);
        }
        task.run();
    }

    synchronized boolean isIdle() {
        return due.isEmpty();
    }
}
