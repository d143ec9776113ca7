package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    @TempDir
    Path root;

    @Test
    void oneMisconfiguredPhoneDoesNotStopItsColleagues() throws Exception {
        TestServer.Builder office = TestServer.builder().user("misconfigured", "the-new-password", "2000");
        for (int i = 0; i < PHONES; i++) {
            office.user(name(i), secret(i), Integer.toString(2001 + i));
        }
        ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor();
        List<TestUa> phones = new ArrayList<>();
        try (TestServer server = office.start(root);
                TestUa misconfigured = new TestUa("misconfigured", server)) {
            Map<Integer, Integer> misconfiguredAnswers = new ConcurrentHashMap<>();
            AtomicReference<Throwable> retryFailure = new AtomicReference<>();
            retries.scheduleAtFixedRate(() -> {
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
            long end = System.nanoTime() + WORKDAY.toNanos();
            int rounds = 0;
            while (System.nanoTime() < end) {
                for (int i = 0; i < PHONES; i++) {
                    TestUa phone = phones.get(i);
                    TestUa colleague = phones.get((i + 1) % PHONES);
                    assertEquals(200, phone.register(secret(i), "").status(), phone.user() + " registers");
                    if (rounds > 0) {
                        OfficeTraffic.chat(phone, secret(i), colleague);
                        OfficeTraffic.call(phone, secret(i), colleague);
                    }
                }
                rounds++;
            }
            retries.shutdownNow();
            assertTrue(retries.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals(null, retryFailure.get());
            assertTrue(rounds >= 2, "only " + rounds + " rounds in " + WORKDAY);
            assertEquals(10, misconfiguredAnswers.get(401), "10 wrong passwords checked: " + misconfiguredAnswers);
            assertTrue(misconfiguredAnswers.getOrDefault(403, 0) > 10, "then refused: " + misconfiguredAnswers);
        } finally {
            retries.shutdownNow();
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
