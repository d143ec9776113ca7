package org.liaison.sip.registrar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.liaison.sip.store.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The location service of a single Liaison process: bindings in memory, every change appended to
 * {@code location.journal} in the data directory before {@link #update} returns.
 *
 * <p>Durability follows {@link Journal}'s rule: a killed process loses nothing; a power loss loses
 * at most the last second of registrations (devices re-register anyway). On open the journal is
 * replayed, a torn tail cut off, and expired bindings dropped.
 *
 * <p>Each journal record holds one AoR's complete binding list, so the journal only grows; when it
 * exceeds four times the live data plus 1 MiB it is rewritten as a snapshot of the live AoRs.
 *
 * <p>Concurrency: updates lock one of {@value #STRIPES} stripes chosen by AoR, so different AoRs
 * proceed in parallel; reads take no lock (the lists are immutable); compaction briefly stops
 * all writers so the snapshot and the journal agree.
 */
public final class EmbeddedLocationService implements LocationService, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedLocationService.class);
    /** The journal of bindings in data.dir (a backup copies its intact records only). */
    public static final String JOURNAL_FILE = "location.journal";
    static final long DEFAULT_COMPACTION_SLACK_BYTES = 1024 * 1024;
    private static final Duration FORCE_INTERVAL = Duration.ofSeconds(1);
    private static final int STRIPES = 64;
    private static final int COMPACTION_RATIO = 4;

    private final Clock clock;
    private final Journal journal;
    private final long compactionSlackBytes;
    private final ConcurrentHashMap<String, List<Binding>> bindingsByAor;
    /** Size of each AoR's latest record: what a snapshot would need, to know when to compact. */
    private final ConcurrentHashMap<String, Integer> recordBytes;
    private final AtomicLong liveBytes = new AtomicLong();
    private final ContactIndex contacts = new ContactIndex();
    private final Object[] stripes = new Object[STRIPES];
    private final ReadWriteLock writersOrCompaction = new ReentrantReadWriteLock();

    private EmbeddedLocationService(Clock clock, Journal journal, long compactionSlackBytes,
            Map<String, List<Binding>> bindings, Map<String, Integer> sizes) {
        this.clock = clock;
        this.journal = journal;
        this.compactionSlackBytes = compactionSlackBytes;
        this.bindingsByAor = new ConcurrentHashMap<>(bindings);
        this.recordBytes = new ConcurrentHashMap<>(sizes);
        sizes.values().forEach(liveBytes::addAndGet);
        bindings.forEach((aor, list) -> contacts.replace(aor, List.of(), list));
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /** Opens (creating if needed) the location data in {@code dataDir} and restores the live bindings. */
    public static EmbeddedLocationService open(Path dataDir, Clock clock) throws IOException {
        return open(dataDir, clock, DEFAULT_COMPACTION_SLACK_BYTES);
    }

    static EmbeddedLocationService open(Path dataDir, Clock clock, long compactionSlackBytes) throws IOException {
        createPrivateDirectory(dataDir);
        Map<String, List<Binding>> replayed = new HashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        Path file = dataDir.resolve(JOURNAL_FILE);
        Journal journal = Journal.open(file, FORCE_INTERVAL, record -> {
            BindingCodec.AorBindings entry = BindingCodec.decode(record);
            if (entry.bindings().isEmpty()) {
                replayed.remove(entry.aor());
                sizes.remove(entry.aor());
            } else {
                replayed.put(entry.aor(), entry.bindings());
                sizes.put(entry.aor(), record.length);
            }
        });
        Instant now = clock.instant();
        replayed.replaceAll((aor, bindings) -> BindingLists.live(bindings, now));
        replayed.values().removeIf(List::isEmpty);
        sizes.keySet().retainAll(replayed.keySet());
        log.info("Location service: restored {} live bindings of {} address-of-records from {}",
                replayed.values().stream().mapToInt(List::size).sum(), replayed.size(), file);
        return new EmbeddedLocationService(clock, journal, compactionSlackBytes, replayed, sizes);
    }

    @Override
    public List<Binding> lookup(String aor) {
        return BindingLists.live(bindingsByAor.getOrDefault(aor, List.of()), clock.instant());
    }

    @Override
    public Optional<Binding> findByInstance(String aor, String instanceId) {
        return BindingLists.ofInstance(lookup(aor), instanceId);
    }

    @Override
    public Optional<Binding> findByContact(String contactUri) {
        return findByContact(contactUri, aor -> true);
    }

    @Override
    public Optional<Binding> findOthersByContact(String contactUri, String aor) {
        return findByContact(contactUri, other -> !other.equals(aor));
    }

    private Optional<Binding> findByContact(String contactUri, Predicate<String> among) {
        return ContactUris.normalized(contactUri).flatMap(wanted -> contacts.aorsFor(wanted).stream().filter(among)
                .flatMap(aor -> BindingLists.withContact(lookup(aor), wanted).stream()).findFirst());
    }

    @Override
    public List<Binding> update(String aor, UnaryOperator<List<Binding>> change) {
        String key = Objects.requireNonNull(aor, "aor");
        List<Binding> result;
        writersOrCompaction.readLock().lock();
        try {
            synchronized (stripe(key)) {
                List<Binding> stored = bindingsByAor.getOrDefault(key, List.of());
                List<Binding> current = BindingLists.live(stored, clock.instant());
                List<Binding> changed = change.apply(current);
                if (changed == current) {
                    return current;
                }
                result = List.copyOf(changed);
                BindingLists.requireConsistent(key, result);
                byte[] record = BindingCodec.encode(key, result);
                try {
                    journal.append(record);
                } catch (IOException e) {
                    throw new UncheckedIOException("could not persist the bindings of " + key, e);
                }
                store(key, stored, result, result.isEmpty() ? 0 : record.length);
            }
        } finally {
            writersOrCompaction.readLock().unlock();
        }
        compactIfOutgrown();
        return result;
    }

    @Override
    public void removeAll(String aor) {
        update(aor, current -> new ArrayList<>());
    }

    /** In memory only: replay drops expired bindings anyway, so purging needs no journal record. */
    @Override
    public int purgeExpired() {
        int purged = 0;
        writersOrCompaction.readLock().lock();
        try {
            Instant now = clock.instant();
            for (String aor : bindingsByAor.keySet()) {
                synchronized (stripe(aor)) {
                    List<Binding> stored = bindingsByAor.getOrDefault(aor, List.of());
                    List<Binding> live = BindingLists.live(stored, now);
                    if (live != stored) {
                        purged += stored.size() - live.size();
                        store(aor, stored, live, live.isEmpty() ? 0 : recordBytes.getOrDefault(aor, 0));
                    }
                }
            }
        } finally {
            writersOrCompaction.readLock().unlock();
        }
        return purged;
    }

    @Override
    public int count() {
        Instant now = clock.instant();
        return bindingsByAor.values().stream().mapToInt(bindings -> BindingLists.live(bindings, now).size()).sum();
    }

    /** Forces the journal to disk and closes it. */
    @Override
    public void close() throws IOException {
        journal.close();
    }

    /** Rewrites the journal as a snapshot of the live bindings (normally triggered by growth). */
    void compact() throws IOException {
        writersOrCompaction.writeLock().lock();
        try {
            Instant now = clock.instant();
            List<byte[]> records = new ArrayList<>();
            Map<String, Integer> sizes = new HashMap<>();
            bindingsByAor.forEach((aor, bindings) -> {
                List<Binding> live = BindingLists.live(bindings, now);
                if (!live.isEmpty()) {
                    byte[] record = BindingCodec.encode(aor, live);
                    records.add(record);
                    sizes.put(aor, record.length);
                }
            });
            long before = journal.size();
            journal.rewrite(records);
            recordBytes.clear();
            recordBytes.putAll(sizes);
            liveBytes.set(sizes.values().stream().mapToLong(Integer::longValue).sum());
            log.info("Location journal compacted from {} to {} bytes ({} address-of-records)", before,
                    journal.size(), records.size());
        } finally {
            writersOrCompaction.writeLock().unlock();
        }
    }

    long journalBytes() {
        return journal.size();
    }

    private void compactIfOutgrown() {
        try {
            if (outgrown()) {
                writersOrCompaction.writeLock().lock();
                try {
                    // Another writer may have compacted while this one waited for the lock.
                    if (outgrown()) {
                        compact();
                    }
                } finally {
                    writersOrCompaction.writeLock().unlock();
                }
            }
        } catch (IOException e) {
            // The old journal is intact, so nothing is lost; the next update tries again.
            log.error("Location journal compaction failed", e);
        }
    }

    private boolean outgrown() {
        return journal.size() > COMPACTION_RATIO * liveBytes.get() + compactionSlackBytes;
    }

    /** Called with the AoR's stripe held. */
    private void store(String aor, List<Binding> before, List<Binding> after, int afterRecordBytes) {
        if (after.isEmpty()) {
            bindingsByAor.remove(aor);
        } else {
            bindingsByAor.put(aor, after);
        }
        Integer previous = afterRecordBytes == 0 ? recordBytes.remove(aor) : recordBytes.put(aor, afterRecordBytes);
        liveBytes.addAndGet(afterRecordBytes - (previous == null ? 0 : previous));
        contacts.replace(aor, before, after);
    }

    private Object stripe(String aor) {
        return stripes[Math.floorMod(aor.hashCode(), STRIPES)];
    }

    private static void createPrivateDirectory(Path dataDir) throws IOException {
        if (Files.isDirectory(dataDir)) {
            return;
        }
        if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dataDir);
        }
    }
}
