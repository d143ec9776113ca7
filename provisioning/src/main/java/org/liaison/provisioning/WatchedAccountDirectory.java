package org.liaison.provisioning;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account directory of a running server: the last valid version of users.csv and groups.csv,
 * reloaded when either file changes; the two are checked together and applied together. The file is polled rather than watched, because editors that save by
 * replacing the file and network file systems both defeat {@code WatchService}. A broken edit
 * is logged once, problem by problem, and the previous accounts stay in service until the file
 * is valid again.
 */
public final class WatchedAccountDirectory implements AccountDirectory, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WatchedAccountDirectory.class);
    /** Stands for "could not be read" where a content digest is expected; no SHA-256 looks like it. */
    private static final String UNREADABLE = "unreadable";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final PolledFile file;
    /** groups.csv, optional: absent means no groups beyond those users.csv names. */
    private final Optional<PolledFile> groupsFile;
    private final String realm;
    private final Consumer<AccountChanges> onChange;
    private final ScheduledExecutorService poller;
    private volatile AccountSnapshot current;
    /** SHA-256 of the content {@link #current} was built from. Guarded by this. */
    private String appliedDigest;
    /** SHA-256 of the last content rejected, so each broken version is reported once. Guarded by this. */
    private String rejectedDigest;

    private WatchedAccountDirectory(PolledFile file, Optional<PolledFile> groupsFile, String realm,
            Consumer<AccountChanges> onChange, AccountSnapshot first, String firstDigest) {
        this.file = file;
        this.groupsFile = groupsFile;
        this.realm = realm;
        this.onChange = onChange;
        this.current = first;
        this.appliedDigest = firstDigest;
        this.poller = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "users-file-poller " + file.path());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Loads {@code file} and starts polling it every {@code pollInterval}.
     *
     * @param onChange called on the polling thread after each new snapshot is in place
     * @throws UsersFileException when the file cannot be loaded now: a server must not start
     *                            without its accounts
     */
    public static WatchedAccountDirectory open(Path file, String realm, Duration pollInterval,
            Consumer<AccountChanges> onChange) throws UsersFileException {
        return open(file, Optional.empty(), realm, pollInterval, onChange);
    }

    /**
     * Loads {@code file} and {@code groupsFile} (which may not exist, now or later) and starts
     * polling both every {@code pollInterval}.
     *
     * @throws UsersFileException when the files cannot be loaded now
     */
    public static WatchedAccountDirectory open(Path file, Path groupsFile, String realm, Duration pollInterval,
            Consumer<AccountChanges> onChange) throws UsersFileException {
        return open(file, Optional.of(groupsFile), realm, pollInterval, onChange);
    }

    private static WatchedAccountDirectory open(Path file, Optional<Path> groupsFile, String realm,
            Duration pollInterval, Consumer<AccountChanges> onChange) throws UsersFileException {
        Objects.requireNonNull(onChange, "onChange");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        PolledFile polled = new PolledFile(file);
        Optional<PolledFile> polledGroups = groupsFile.map(PolledFile::new);
        Contents contents;
        try {
            contents = Contents.read(polled, polledGroups);
        } catch (IOException e) {
            throw UsersFile.unreadable(file, e);
        }
        AccountSnapshot first = contents.snapshot(realm);
        log.info("Loaded {} accounts from {}", first.all().size(), file);
        WatchedAccountDirectory directory = new WatchedAccountDirectory(polled, polledGroups, realm, onChange, first,
                contents.sha256());
        long nanos = pollInterval.toNanos();
        directory.poller.scheduleWithFixedDelay(directory::poll, nanos, nanos, TimeUnit.NANOSECONDS);
        return directory;
    }

    /** The accounts being served now. */
    public AccountSnapshot current() {
        return current;
    }

    @Override
    public Optional<Account> byUsername(String username) {
        return current.byUsername(username);
    }

    @Override
    public Optional<Account> byExtension(String extension) {
        return current.byExtension(extension);
    }

    @Override
    public Collection<Account> all() {
        return current.all();
    }

    @Override
    public Optional<Group> resolveGroup(String userPart) {
        return current.resolveGroup(userPart);
    }

    /**
     * Reads the file now, whatever its timestamps say, and applies it when it is valid and
     * differs from the content being served.
     *
     * @return whether a new snapshot was applied
     */
    public synchronized boolean reloadNow() {
        Contents content;
        try {
            content = Contents.read(file, groupsFile);
        } catch (IOException e) {
            if (!UNREADABLE.equals(rejectedDigest)) {
                rejectedDigest = UNREADABLE;
                log.warn("Cannot read {} ({}); still serving its last valid version ({} accounts)",
                        file.path(), e.toString(), current.all().size());
            }
            return false;
        }
        if (content.sha256().equals(appliedDigest)) {
            rejectedDigest = null; // back to the served content: a new breakage deserves a new report
            return false;
        }
        if (content.sha256().equals(rejectedDigest)) {
            return false;
        }
        try {
            apply(content.snapshot(realm), content.sha256());
            return true;
        } catch (UsersFileException e) {
            rejectedDigest = content.sha256();
            for (String problem : e.problems()) {
                log.warn("Not applying the change to {}, still serving its last valid version: {}",
                        file.path(), problem);
            }
            return false;
        }
    }

    /** Stops polling; waits for a reload in progress to finish. */
    @Override
    public void close() {
        poller.shutdownNow();
        try {
            if (!poller.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The poller of {} did not stop within {}", file.path(), CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void apply(AccountSnapshot next, String digest) {
        AccountChanges changes = AccountChanges.between(current, next);
        current = next;
        appliedDigest = digest;
        rejectedDigest = null;
        log.info("Reloaded {}: {} accounts; added {}, removed {}, password changed {}", file.path(),
                next.all().size(), changes.added(), changes.removed(), changes.passwordChanged());
        try {
            onChange.accept(changes);
        } catch (RuntimeException e) {
            log.error("A listener failed on the reload of {}; the new accounts are in service", file.path(), e);
        }
    }

    /** Runs on the poller thread; an exception here would silently cancel all future polls. */
    private synchronized void poll() {
        try {
            if (file.mayHaveChanged() || groupsFile.filter(PolledFile::mayHaveChanged).isPresent()) {
                reloadNow();
            }
        } catch (RuntimeException e) {
            log.error("Polling {} failed; will try again", file.path(), e);
        }
    }

    /** What one poll read from both files; the digest covers both, so an edit to either counts. */
    private record Contents(Path usersPath, byte[] users, Optional<Path> groupsPath, Optional<byte[]> groups,
            String sha256) {
        static Contents read(PolledFile users, Optional<PolledFile> groupsFile) throws IOException {
            PolledFile.Content usersContent = users.read();
            Optional<PolledFile.Content> groupsContent = Optional.empty();
            if (groupsFile.isPresent()) {
                try {
                    groupsContent = Optional.of(groupsFile.get().read());
                } catch (NoSuchFileException e) {
                    // optional file: absent means no groups file
                }
            }
            String digest = usersContent.sha256() + groupsContent.map(c -> "+" + c.sha256()).orElse("");
            return new Contents(users.path(), usersContent.bytes(), groupsFile.map(PolledFile::path),
                    groupsContent.map(PolledFile.Content::bytes), digest);
        }

        AccountSnapshot snapshot(String realm) throws UsersFileException {
            return UsersFile.snapshotOf(usersPath, users, groupsPath.orElse(null), groups, realm);
        }
    }
}
