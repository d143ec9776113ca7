package org.liaison.sip.presence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.Group;
import org.liaison.sip.config.AddressRange;
import org.liaison.sip.config.DestinationPolicy;
import org.liaison.sip.config.PresenceSettings;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.proxy.Originator;
import org.liaison.sip.registrar.Binding;
import org.liaison.sip.registrar.ClusterNodes;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.TargetResolver;

/**
 * The NOTIFY fan-out of issue 13 (docs/BENCHMARKS.md "Presence"): 1,000 subscribers each watching a
 * 1,000-person directory as one list subscription, and 100 people changing status (200 and 200 in an
 * ordinary build, to spare the CI machine). Measures the
 * server's work (building every NOTIFY: headers, RLMI, PIDF) with a subscriber that answers at once;
 * sockets and the JAIN-SIP transaction layer are left out. Asserts what must hold whatever the
 * machine: every subscriber learns every change, and within the notify interval changes are
 * coalesced into few NOTIFYs.
 */
class NotifyFanOutBenchmarkTest {
    private static final String DOMAIN = "example.org";
    /** The issue's figures with {@code -Dpresence.fanout.size=1000}; a fifth of them in every build. */
    private static final int SUBSCRIBERS = Integer.getInteger("presence.fanout.size", 200);
    private static final int DIRECTORY = SUBSCRIBERS;
    private static final int CHANGES = 100;
    private static final SipFactories SIP = SipFactories.create();

    private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
    private final Map<String, List<Binding>> registered = new ConcurrentHashMap<>();
    private final AtomicLong notifies = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void everyChangeReachesEverySubscriberOnce() throws Exception {
        PresenceServer server = serverWith(Duration.ZERO);
        subscribeEveryone(server);
        long cpuBefore = cpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < CHANGES; i++) {
            String user = "user" + i;
            registered.put(user, List.of(binding(user)));
            server.changed(user);
        }
        long wallMs = (System.nanoTime() - start) / 1_000_000;
        long cpuMs = (cpuNanos() - cpuBefore) / 1_000_000;
        assertEquals((long) SUBSCRIBERS * CHANGES, notifies.get(), "one partial NOTIFY per change per subscriber");
        System.out.printf("presence fan-out, no throttle: %d NOTIFYs (%d bytes) for %d changes x %d subscribers"
                + " of a %d-person list in %d ms wall, %d ms CPU (%.1f us per NOTIFY)%n", notifies.get(), bytes.get(),
                CHANGES, SUBSCRIBERS, DIRECTORY, wallMs, cpuMs, cpuMs * 1000.0 / notifies.get());
    }

    @Test
    void changesWithinTheNotifyIntervalAreCoalescedIntoOneOrTwoNotifiesPerSubscriber() throws Exception {
        PresenceServer server = serverWith(Duration.ofSeconds(2));
        subscribeEveryone(server);
        long cpuBefore = cpuNanos();
        for (int i = 0; i < CHANGES; i++) {
            String user = "user" + i;
            registered.put(user, List.of(binding(user)));
            server.changed(user);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (notifies.get() < 2L * SUBSCRIBERS && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the second round leaves on the timer thread after the interval
        }
        long cpuMs = (cpuNanos() - cpuBefore) / 1_000_000;
        assertEquals(2L * SUBSCRIBERS, notifies.get(), "the first change at once, the other 99 together after 2 s");
        assertTrue(timers.getQueue().isEmpty());
        System.out.printf("presence fan-out, 2 s throttle: %d NOTIFYs (%d bytes) for %d changes x %d subscribers,"
                + " %d ms CPU%n", notifies.get(), bytes.get(), CHANGES, SUBSCRIBERS, cpuMs);
    }

    private PresenceServer serverWith(Duration interval) throws Exception {
        LocalAddresses local = new LocalAddresses(DOMAIN, List.of(InetAddress.getByName("127.0.0.1")), 5060, 5060,
                0);
        DestinationPolicy loopback = new DestinationPolicy(List.of(new AddressRange(
                InetAddress.getByName("127.0.0.0"), 8)));
        LocationService locations = new Registered();
        TargetResolver targets = new TargetResolver(local, new NoAccounts(), locations, loopback,
                ClusterNodes.standalone(), SIP);
        Originator answersAtOnce = (request, target, onFinal) -> {
            notifies.incrementAndGet();
            bytes.addAndGet(request.getRawContent().length);
            onFinal.accept(200);
        };
        PresenceSettings settings = new PresenceSettings(Duration.ofMinutes(1), Duration.ofHours(1), 500, interval);
        return new PresenceServer(settings, locations, new CallsInProgress(local, new NoAccounts(),
                Duration.ofHours(24), Clock.systemUTC()), targets, answersAtOnce, timers, SIP, DOMAIN,
                Clock.systemUTC());
    }

    /** Every subscriber watches the whole directory; their first (full) NOTIFY is taken as sent. */
    private void subscribeEveryone(PresenceServer server) throws Exception {
        List<String> directory = new ArrayList<>();
        Map<String, String> offline = new HashMap<>();
        for (int i = 0; i < DIRECTORY; i++) {
            directory.add("user" + i);
            // one string per person, shared by every subscription, as the server's last-seen documents are
            offline.put("user" + i, PidfDocument.derived("sip:user" + i + "@" + DOMAIN, Availability.OFFLINE));
        }
        for (int i = 0; i < SUBSCRIBERS; i++) {
            Subscription s = new Subscription(new Subscription.DialogId("call" + i, "from" + i, "to" + i),
                    "watcher" + i, "<sip:watcher" + i + "@" + DOMAIN + ">", "<sip:rls@" + DOMAIN + ">",
                    Optional.empty(), true, directory);
            s.remoteTarget = SIP.addresses().createURI("sip:watcher" + i + "@127.0.0.1:" + (10000 + i));
            s.flow = new Flow("UDP", "127.0.0.1", 10000 + i, "127.0.0.1", 5060);
            s.expiresAt = Instant.now().plusSeconds(3600);
            s.sent.putAll(offline);
            assertTrue(server.add(s));
        }
    }

    private static Binding binding(String user) {
        return new Binding(user, "sip:" + user + "@127.0.0.1:5070", "<sip:" + user + "@127.0.0.1:5070>",
                Optional.empty(), OptionalInt.empty(), "reg-" + user, 1, Instant.now().plusSeconds(3600), List.of(),
                new Flow("UDP", "127.0.0.1", 5070, "127.0.0.1", 5060), Instant.now());
    }

    /** The whole JVM's CPU (the timer thread sends the coalesced round; JIT and GC count too). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Registrations by user, nothing else. */
    private final class Registered implements LocationService {
        @Override
        public List<Binding> lookup(String aor) {
            return registered.getOrDefault(aor, List.of());
        }

        @Override
        public Optional<Binding> findByInstance(String aor, String instanceId) {
            return Optional.empty();
        }

        @Override
        public Optional<Binding> findByContact(String contactUri) {
            return Optional.empty();
        }

        @Override
        public Optional<Binding> findOthersByContact(String contactUri, String aor) {
            return Optional.empty();
        }

        @Override
        public List<Binding> update(String aor, UnaryOperator<List<Binding>> change) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeAll(String aor) {
            registered.remove(aor);
        }

        @Override
        public int purgeExpired() {
            return 0;
        }

        @Override
        public int count() {
            return registered.size();
        }
    }

    private static final class NoAccounts implements AccountDirectory {
        @Override
        public Optional<Account> byUsername(String username) {
            return Optional.empty();
        }

        @Override
        public Optional<Account> byExtension(String extension) {
            return Optional.empty();
        }

        @Override
        public Collection<Account> all() {
            return List.of();
        }

        @Override
        public Optional<Group> resolveGroup(String userPart) {
            return Optional.empty();
        }
    }
}
