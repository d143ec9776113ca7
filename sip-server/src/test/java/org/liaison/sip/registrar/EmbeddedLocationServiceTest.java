package org.liaison.sip.registrar;

import org.liaison.im.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.registrar.LocationServiceContract.IN_AN_HOUR;
import static org.liaison.sip.registrar.LocationServiceContract.START;
import static org.liaison.sip.registrar.TestBindings.contact;
import static org.liaison.sip.registrar.TestBindings.device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedLocationServiceTest implements LocationServiceContract {
    @TempDir
    Path dataDir;

    private final List<EmbeddedLocationService> opened = new ArrayList<>();

    @Override
    public LocationService emptyLocationService(MutableClock clock) {
        return open(clock);
    }

    @AfterEach
    void closeAll() throws IOException {
        for (EmbeddedLocationService service : opened) {
            service.close();
        }
    }

    private EmbeddedLocationService open(MutableClock clock) {
        return open(clock, EmbeddedLocationService.DEFAULT_COMPACTION_SLACK_BYTES);
    }

    private EmbeddedLocationService open(MutableClock clock, long compactionSlackBytes) {
        try {
            EmbeddedLocationService service = EmbeddedLocationService.open(dataDir, clock, compactionSlackBytes);
            opened.add(service);
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes {@code service} the way a restart would, then opens the same data again. */
    private EmbeddedLocationService restart(EmbeddedLocationService service, MutableClock clock) throws IOException {
        service.close();
        return open(clock);
    }

    @Test
    void bindingsSurviveARestartWithEveryField() throws IOException {
        MutableClock clock = new MutableClock(START);
        EmbeddedLocationService locations = open(clock);
        Binding plain = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        Binding phone = device("alice", "urn:uuid:6f8ad3c0-1234-4567-89ab-0123456789ab", 1,
                "sip:alice@192.0.2.2:5072;transport=tcp", IN_AN_HOUR.plusNanos(123_456_789));
        Binding bobs = contact("bob", "sip:bob@[2001:db8::1]:5070", IN_AN_HOUR);
        locations.update("alice", current -> List.of(plain, phone));
        locations.update("bob", current -> List.of(bobs));

        EmbeddedLocationService reopened = restart(locations, clock);

        assertEquals(List.of(plain, phone), reopened.lookup("alice"));
        assertEquals(List.of(bobs), reopened.lookup("bob"));
        assertEquals(Optional.of(bobs), reopened.findByContact("sip:bob@[2001:DB8::1]:5070"));
    }

    @Test
    void theLatestChangeWinsAfterARestart() throws IOException {
        MutableClock clock = new MutableClock(START);
        EmbeddedLocationService locations = open(clock);
        locations.update("alice", current -> List.of(contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR)));
        Binding moved = contact("alice", "sip:alice@192.0.2.2", IN_AN_HOUR);
        locations.update("alice", current -> List.of(moved));
        locations.update("bob", current -> List.of(contact("bob", "sip:bob@192.0.2.3", IN_AN_HOUR)));
        locations.removeAll("bob");

        EmbeddedLocationService reopened = restart(locations, clock);

        assertEquals(List.of(moved), reopened.lookup("alice"));
        assertEquals(List.of(), reopened.lookup("bob"));
    }

    @Test
    void aTornTailIsCutOffAndEverythingBeforeItSurvives() throws IOException {
        MutableClock clock = new MutableClock(START);
        EmbeddedLocationService locations = open(clock);
        Binding kept = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        locations.update("alice", current -> List.of(kept));
        locations.update("bob", current -> List.of(contact("bob", "sip:bob@192.0.2.3", IN_AN_HOUR)));
        locations.close();
        Path journal = dataDir.resolve(EmbeddedLocationService.JOURNAL_FILE);
        try (var channel = java.nio.channels.FileChannel.open(journal, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 5); // the process died in the middle of bob's record
        }

        EmbeddedLocationService reopened = open(clock);

        assertEquals(List.of(kept), reopened.lookup("alice"));
        assertEquals(List.of(), reopened.lookup("bob"));
        Binding next = contact("carol", "sip:carol@192.0.2.4", IN_AN_HOUR);
        reopened.update("carol", current -> List.of(next));
        assertEquals(List.of(next), restart(reopened, clock).lookup("carol"));
    }

    @Test
    void bindingsThatExpiredWhileTheServerWasDownAreDroppedAtRestart() throws IOException {
        MutableClock clock = new MutableClock(START);
        EmbeddedLocationService locations = open(clock);
        Binding lasting = contact("alice", "sip:alice@192.0.2.1", START.plus(Duration.ofDays(1)));
        locations.update("alice", current -> List.of(lasting,
                device("alice", "urn:uuid:a1", 1, "sip:alice@192.0.2.2", IN_AN_HOUR)));
        locations.update("bob", current -> List.of(contact("bob", "sip:bob@192.0.2.3", IN_AN_HOUR)));
        locations.close();
        clock.advance(Duration.ofHours(2));

        EmbeddedLocationService reopened = open(clock);

        assertEquals(List.of(lasting), reopened.lookup("alice"));
        assertEquals(1, reopened.count());
        assertEquals(0, reopened.purgeExpired());
    }

    @Test
    void compactionKeepsExactlyTheLiveBindings() throws IOException {
        MutableClock clock = new MutableClock(START);
        EmbeddedLocationService locations = open(clock);
        for (int port = 10000; port < 10100; port++) {
            Binding refreshed = contact("alice", "sip:alice@192.0.2.1:" + port, IN_AN_HOUR);
            locations.update("alice", current -> List.of(refreshed));
        }
        locations.update("bob", current -> List.of(contact("bob", "sip:bob@192.0.2.3", START.plusSeconds(60))));
        locations.update("carol", current -> List.of(contact("carol", "sip:carol@192.0.2.4", IN_AN_HOUR)));
        locations.removeAll("carol");
        clock.advance(Duration.ofMinutes(5));
        List<Binding> alice = locations.lookup("alice");
        long before = locations.journalBytes();

        locations.compact();

        assertTrue(locations.journalBytes() * 50 < before, "journal shrank from " + before);
        EmbeddedLocationService reopened = restart(locations, clock);
        assertEquals(alice, reopened.lookup("alice"));
        assertEquals(List.of(), reopened.lookup("bob"));
        assertEquals(List.of(), reopened.lookup("carol"));
        assertEquals(1, reopened.count());
    }

    @Test
    void theJournalIsCompactedOnceItOutgrowsTheLiveData() throws IOException {
        MutableClock clock = new MutableClock(START);
        EmbeddedLocationService locations = open(clock, 4096);
        for (int port = 10000; port < 11000; port++) {
            Binding refreshed = contact("alice", "sip:alice@192.0.2.1:" + port, IN_AN_HOUR);
            locations.update("alice", current -> List.of(refreshed));
        }

        assertTrue(locations.journalBytes() < 4096 + 4 * 512, "journal of " + locations.journalBytes() + " bytes");
        assertEquals("sip:alice@192.0.2.1:10999", restart(locations, clock).lookup("alice").get(0).contactUri());
    }

    @Test
    void updatesFromEightThreadsAllSurviveARestart() throws Exception {
        MutableClock clock = new MutableClock(START);
        // A small slack makes compactions happen while the threads write.
        EmbeddedLocationService locations = open(clock, 2048);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        String own = "user" + thread;
                        Binding mine = contact(own, "sip:" + own + "@192.0.2." + thread + ":" + (10000 + i), IN_AN_HOUR);
                        Binding shared = contact("shared", "sip:shared@192.0.2." + thread + ":" + (10000 + i), IN_AN_HOUR);
                        locations.update(own, current -> with(current, mine));
                        locations.update("shared", current -> with(current, shared));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        EmbeddedLocationService reopened = restart(locations, clock);

        assertEquals(400, reopened.lookup("shared").size());
        for (int t = 0; t < 8; t++) {
            assertEquals(50, reopened.lookup("user" + t).size());
        }
    }

    @Test
    void aChangeThatCannotBePersistedChangesNothing() throws IOException {
        MutableClock clock = new MutableClock(START);
        EmbeddedLocationService locations = open(clock);
        Binding kept = contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR);
        locations.update("alice", current -> List.of(kept));
        locations.close(); // the journal can no longer be written

        assertThrows(UncheckedIOException.class, () -> locations.update("alice", current -> List.of()));

        assertEquals(List.of(kept), locations.lookup("alice"));
    }

    @Test
    void theDataIsReadableByItsOwnerOnly() throws IOException {
        Assumptions.assumeTrue(dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path fresh = dataDir.resolve("fresh");
        try (EmbeddedLocationService locations = EmbeddedLocationService.open(fresh, new MutableClock(START))) {
            locations.update("alice", current -> List.of(contact("alice", "sip:alice@192.0.2.1", IN_AN_HOUR)));
            locations.compact();
        }

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(fresh.resolve(EmbeddedLocationService.JOURNAL_FILE))));
    }

    private static List<Binding> with(List<Binding> current, Binding binding) {
        List<Binding> result = new ArrayList<>(current);
        result.add(binding);
        return result;
    }
}
