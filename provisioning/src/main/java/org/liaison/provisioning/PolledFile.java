package org.liaison.provisioning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * A file as a poller sees it. A poll costs one stat; the bytes are read only when size or
 * modification time moved, or when the last read came too soon after the last write to trust
 * them: a second write within the same timestamp tick, of the same size, would look unchanged.
 * Not thread-safe; its owner serialises calls.
 */
final class PolledFile {
    /** The coarsest timestamp tick expected: 2 s on FAT, 1 s on ext3, HFS+ and some NFS servers. */
    private static final Duration TIMESTAMP_TICK = Duration.ofSeconds(2);

    /** The bytes read and their SHA-256, which is what gets remembered: it holds no clear passwords. */
    record Content(byte[] bytes, String sha256) {
    }

    private record Stamp(FileTime modified, long size) {
    }

    private static final Stamp UNREADABLE = new Stamp(FileTime.fromMillis(0), -1);

    private final Path path;
    private Stamp seen = UNREADABLE;
    private boolean readAgain = true;

    PolledFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /** False when the file certainly has the content last read. */
    boolean mayHaveChanged() {
        return readAgain || !stamp().equals(seen);
    }

    Content read() throws IOException {
        Instant readStarted = Instant.now();
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            byte[] bytes = Files.readAllBytes(path);
            seen = new Stamp(attributes.lastModifiedTime(), attributes.size());
            readAgain = attributes.lastModifiedTime().toInstant().isAfter(readStarted.minus(TIMESTAMP_TICK));
            return new Content(bytes, DigestAlgorithm.SHA_256.hash(bytes));
        } catch (NoSuchFileException e) {
            // An absent optional file (groups.csv) costs one stat per poll: creating it changes the stamp.
            seen = UNREADABLE;
            readAgain = false;
            throw e;
        } catch (IOException e) {
            // Keep trying: a chmod that makes the file readable again moves neither size nor time.
            seen = UNREADABLE;
            readAgain = true;
            throw e;
        }
    }

    private Stamp stamp() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(attributes.lastModifiedTime(), attributes.size());
        } catch (IOException e) {
            return UNREADABLE;
        }
    }
}
