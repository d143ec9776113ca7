package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 11's office: nineteen phones behind one address (127.0.0.1, each phone its own port) and one with a wrong
 * password retrying all day, as a misconfigured phone does. Phone i talks to node i modulo the nodes given (one
 * machine, or the nodes of a cluster); the misconfigured phone takes each node in turn. Every step of every good
 * phone is asserted: register, then chat with and call a colleague on its node.
 */
final class OfficeWorkday {
    static final int PHONES = 19;
    static final String MISCONFIGURED = "misconfigured";
    /** A phone whose registration fails tries again; five times a second is more eager than real phones are. */
    private static final long RETRY_MILLIS = 200;
    private static final long STEP_MILLIS = 100;

    private OfficeWorkday() {
    }

    /** The office's accounts: the misconfigured phone's user, and one user per phone. */
    static TestServer.Builder accounts(TestServer.Builder server) {
        server.user(MISCONFIGURED, "the-new-password", "2000");
        for (int i = 0; i < PHONES; i++) {
            server.user(name(i), secret(i), Integer.toString(2001 + i));
        }
        return server;
    }

    /**
     * Runs a workday of {@code length} against {@code nodes}; fails on any good phone's step that does not succeed.
     *
     * @return how often the misconfigured phone got each status
     */
    static Map<Integer, Integer> run(List<TestServer> nodes, Duration length) throws Exception {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        List<TestUa> phones = new ArrayList<>();
        List<TestUa> misconfigured = new ArrayList<>();
        try {
            for (TestServer node : nodes) {
                misconfigured.add(new TestUa(MISCONFIGURED, node));
            }
            Map<Integer, Integer> misconfiguredAnswers = new ConcurrentHashMap<>();
            AtomicInteger retries = new AtomicInteger();
            AtomicReference<Throwable> retryFailure = new AtomicReference<>();
            AtomicReference<Throwable> workFailure = new AtomicReference<>();
            scheduler.scheduleAtFixedRate(() -> {
                try {
                    TestUa phone = misconfigured.get(retries.getAndIncrement() % misconfigured.size());
                    misconfiguredAnswers.merge(phone.register("the-old-password", "").status(), 1, Integer::sum);
                } catch (Throwable e) {
                    retryFailure.compareAndSet(null, e);
                }
            }, 0, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            for (int i = 0; i < PHONES; i++) {
                phones.add(new TestUa(name(i), nodes.get(i % nodes.size())));
            }
            // one phone acts every STEP_MILLIS: an office's pace, under the UDP flood limit for one source
            AtomicInteger steps = new AtomicInteger();
            CountDownLatch workdayOver = new CountDownLatch(1);
            long end = System.nanoTime() + length.toNanos();
            ScheduledFuture<?> work = scheduler.scheduleAtFixedRate(() -> {
                int step = steps.get();
                int i = step % PHONES;
                try {
                    TestUa phone = phones.get(i);
                    assertEquals(200, phone.register(secret(i), "").status(), phone.user() + " registers");
                    if (step >= PHONES) {
                        TestUa colleague = phones.get(colleagueOf(i, nodes.size()));
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
            assertTrue(workdayOver.await(length.toSeconds() + 60, TimeUnit.SECONDS), "the workday never ended");
            work.cancel(false);
            scheduler.shutdown();
            assertTrue(scheduler.awaitTermination(10, TimeUnit.SECONDS));
            assertNull(workFailure.get(), () -> "after " + steps.get() + " steps: " + workFailure.get());
            assertNull(retryFailure.get());
            int rounds = steps.get() / PHONES;
            assertTrue(rounds >= 2, "only " + rounds + " rounds in " + length);
            return misconfiguredAnswers;
        } finally {
            scheduler.shutdownNow();
            phones.forEach(TestUa::close);
            misconfigured.forEach(TestUa::close);
        }
    }

    /**
     * The next phone on phone {@code i}'s own node: reaching a device whose flow ends on another node is issue 10's
     * cross-node routing, not what this day tests.
     */
    private static int colleagueOf(int i, int nodes) {
        int next = i + nodes;
        return next < PHONES ? next : i % nodes;
    }

    private static String name(int i) {
        return "phone" + i;
    }

    private static String secret(int i) {
        return "secret-" + i;
    }
}
