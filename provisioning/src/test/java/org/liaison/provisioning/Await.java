package org.liaison.provisioning;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, instead of sleeping and hoping. */
public final class Await {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CHECK_EVERY = Duration.ofMillis(10);

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("gave up after " + TIMEOUT.toSeconds() + " s waiting until " + what);
            }
            LockSupport.parkNanos(CHECK_EVERY.toNanos());
        }
    }
}
