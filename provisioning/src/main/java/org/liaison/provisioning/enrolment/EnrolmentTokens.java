package org.liaison.provisioning.enrolment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One-time enrolment tokens on one machine: 256 random bits each, handed out in a URL, good for one fetch before
 * they expire. Only their SHA-256 is kept, in {@code DATA_DIR/enrolment-tokens}, so the file does
 * not let anyone enrol; it survives restarts. {@code bin/liaison onboarding} issues tokens while the
 * server may be redeeming others, so every operation holds an exclusive lock on
 * {@code enrolment-tokens.lock} and rewrites the file atomically.
 *
 * <p>Lookups go by the token's hash, so an unknown token costs the same as a known one. Spent,
 * replaced and expired tokens are remembered for {@link #FORGET_AFTER} past their expiry (they
 * answer 410, which tells a user to ask for a new link), then forgotten (404). A new link for a
 * user revokes that user's older unused ones: a printout left lying around stops working once the
 * admin hands out another. Only a change is written (an issue, a redemption): an unknown token
 * reads the file and writes nothing, so a stream of guesses costs no disk writes; forgetting old
 * records rides along with the next write. The file holds hashes only, yet is owner-only (0600).
 */
public final class EnrolmentTokens implements EnrolmentTokenStore {
    static final String FILE_NAME = "enrolment-tokens";
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** A token's state as stored in the file's fourth field. */
    private enum State {
        NEW, USED, REPLACED;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Files written before replacement existed hold only "new" and "used". */
        static State of(String word) throws IOException {
            for (State state : values()) {
                if (state.word().equals(word)) {
                    return state;
                }
            }
            throw new IOException("not a token state: " + word.length() + " characters");
        }
    }

    private record Entry(String username, Instant expires, State state) {
        String line(String hash) {
            return hash + " " + username + " " + expires.getEpochSecond() + " " + state.word() + "\n";
        }

        Entry in(State next) {
            return new Entry(username, expires, next);
        }
    }

    private final Path file;
    private final Path lockFile;
    private final Duration ttl;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /** Tokens stored in {@code dataDir}, each valid for {@code ttl} after it is issued. */
    public EnrolmentTokens(Path dataDir, Duration ttl, Clock clock) {
        this.file = dataDir.resolve(FILE_NAME);
        this.lockFile = dataDir.resolve(FILE_NAME + ".lock");
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Written to disk at once (one fsync, not one per user). */
    @Override
    public Map<String, Issued> issueAll(Collection<String> usernames) throws IOException {
        Instant expires = clock.instant().plus(ttl);
        Map<String, Issued> issued = new LinkedHashMap<>();
        for (String username : usernames) {
            issued.put(username, new Issued(EnrolmentTokenStore.newToken(random), expires));
        }
        update(entries -> {
            entries.replaceAll((hash, e) -> e.state() == State.NEW && issued.containsKey(e.username())
                    ? e.in(State.REPLACED) : e);
            issued.forEach((username, i) -> entries.put(EnrolmentTokenStore.hashOf(i.token()),
                    new Entry(username, expires, State.NEW)));
            return true;
        });
        return issued;
    }

    @Override
    public Redemption redeem(String token) throws IOException {
        String hash = EnrolmentTokenStore.hashOf(token);
        Redemption[] outcome = new Redemption[1];
        update(entries -> {
            Entry entry = entries.get(hash);
            if (entry == null) {
                outcome[0] = new Redemption.Unknown();
            } else if (entry.state() == State.USED) {
                outcome[0] = new Redemption.Used(entry.username());
            } else if (entry.state() == State.REPLACED) {
                outcome[0] = new Redemption.Replaced(entry.username());
            } else if (!clock.instant().isBefore(entry.expires())) {
                outcome[0] = new Redemption.Expired(entry.username());
            } else {
                entries.put(hash, entry.in(State.USED));
                outcome[0] = new Redemption.Accepted(entry.username());
                return true;
            }
            return false;
        });
        return outcome[0];
    }

    private interface Change {
        /** Changes {@code entries} in place; true when it changed anything that must be written. */
        boolean apply(Map<String, Entry> entries);
    }

    private synchronized void update(Change change) throws IOException {
        try (FileChannel lock = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                OWNER_ONLY); FileLock held = lock.lock()) {
            Map<String, Entry> entries = read();
            if (!change.apply(entries)) {
                return;
            }
            Instant forgetBefore = clock.instant().minus(FORGET_AFTER);
            entries.values().removeIf(e -> e.expires().isBefore(forgetBefore));
            write(entries);
        }
    }

    private Map<String, Entry> read() throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return entries;
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length != 4) {
                throw new IOException(file + ": not a token record: " + line.length() + " characters");
            }
            entries.put(f[0], new Entry(f[1], Instant.ofEpochSecond(Long.parseLong(f[2])), State.of(f[3])));
        }
        return entries;
    }

    private void write(Map<String, Entry> entries) throws IOException {
        StringBuilder text = new StringBuilder();
        entries.forEach((hash, entry) -> text.append(entry.line(hash)));
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(temp); // a leftover of a crash may have other permissions
        try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                OWNER_ONLY)) {
            out.write(StandardCharsets.UTF_8.encode(text.toString()));
            out.force(true); // a token spent and then lost in a crash could be used twice
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
