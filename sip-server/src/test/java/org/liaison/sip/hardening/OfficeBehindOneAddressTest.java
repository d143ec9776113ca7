package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 11: twenty phones behind one address (an office's NAT; here 127.0.0.1, each phone its own port), one of them
 * with a wrong password retrying for the whole test, as a misconfigured phone does. With the shipped limits the
 * nineteen others register, chat and call all along: the wrong password blocks its own (address, username) pair
 * only, and never the address.
 */
@Timeout(120)
class OfficeBehindOneAddressTest {
    private static final int PHONES = 19;
    private static final Duration WORKDAY = Duration.ofSeconds(20);
    /** A phone whose registration fails tries again; five times a second is more eager than real phones are. */
    private static final long RETRY_MILLIS = 200;
    private static final long STEP_MILLIS = 100;

    @TempDir
    Path root;

    @Test
    void oneMisconfiguredPhoneDoesNotStopItsColleagues() throws Exception {
        TestServer.Builder office = TestServer.builder().user("misconfigured", "the-new-password", "2000");
        for (int i = 0; i < PHONES; i++) {
            office.user(name(i), secret(i), Integer.toString(2001 + i));
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        List<TestUa> phones = new ArrayList<>();
        try (TestServer server = office.start(root);
                TestUa misconfigured = new TestUa("misconfigured", server)) {
            Map<Integer, Integer> misconfiguredAnswers = new ConcurrentHashMap<>();
            AtomicReference<Throwable> retryFailure = new AtomicReference<>();
            AtomicReference<Throwable> workFailure = new AtomicReference<>();
            scheduler.scheduleAtFixedRate(() -> {
                try {
                    misconfiguredAnswers.merge(misconfigured.register("the-old-password", "").status(), 1,
                            Integer::sum);
                } catch (Throwable e) {
                    retryFailure.compareAndSet(null, e);
                }
            }, 0, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            for (int i = 0; i < PHONES; i++) {
                phones.add(new TestUa(name(i), server));
            }
            // one phone acts every STEP_MILLIS: an office's pace, under the UDP flood limit for one source
            AtomicInteger steps = new AtomicInteger();
            CountDownLatch workdayOver = new CountDownLatch(1);
            long end = System.nanoTime() + WORKDAY.toNanos();
            ScheduledFuture<?> work = scheduler.scheduleAtFixedRate(() -> {
                int step = steps.get();
                int i = step % PHONES;
                try {
                    TestUa phone = phones.get(i);
                    assertEquals(200, phone.register(secret(i), "").status(), phone.user() + " registers");
                    if (step >= PHONES) {
                        TestUa colleague = phones.get((i + 1) % PHONES);
                        OfficeTraffic.chat(phone, secret(i), colleague);
                        OfficeTraffic.call(phone, secret(i), colleague);
                    }
                    steps.incrementAndGet();
                } catch (Throwable e) {
                    workFailure.compareAndSet(null, e);
                    workdayOver.countDown();
                }
                if (System.nanoTime() > end) {
                    workdayOver.countDown();
                }
            }, STEP_MILLIS / 2, STEP_MILLIS, TimeUnit.MILLISECONDS);
            assertTrue(workdayOver.await(WORKDAY.toSeconds() + 60, TimeUnit.SECONDS), "the workday never ended");
            work.cancel(false);
            scheduler.shutdown();
            assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS));
            assertNull(workFailure.get(), () -> "after " + steps.get() + " steps: " + workFailure.get());
            assertNull(retryFailure.get());
            int rounds = steps.get() / PHONES;
            assertTrue(rounds >= 2, "only " + rounds + " rounds in " + WORKDAY);
            assertEquals(10, misconfiguredAnswers.get(401), "10 wrong passwords checked: " + misconfiguredAnswers);
            assertTrue(misconfiguredAnswers.getOrDefault(403, 0) > 10, "then refused: " + misconfiguredAnswers);
        } finally {
            scheduler.shutdownNow();
            phones.forEach(TestUa::close);
        }
    }

    private static String name(int i) {
        return "phone" + i;
    }

    private static String secret(int i) {
        return "secret-" + i;
    }
}
