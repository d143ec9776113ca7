package org.liaison.sip.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of opaque records; it knows nothing of what the records mean.
 *
 * <p>Each record is framed as {@code [int length][int CRC32 of payload][payload]}, big-endian.
 *
 * <p><b>Durability rule.</b> {@link #append} hands the bytes to the operating system before it
 * returns, so a crash of the process (even {@code kill -9}) loses nothing: the bytes are in the
 * page cache and the kernel writes them. Forcing them to the disk on every append would cost a
 * disk flush per REGISTER, so a background thread forces every {@code forceInterval} (and
 * {@link #close} forces once more): a power loss or kernel crash loses at most the records of the
 * last interval. {@link #rewrite} is the exception: a rewrite replaces history, so it is fully
 * forced (file and directory) before it takes effect.
 *
 * <p>On {@link #open}, a tail that is not a whole, intact record (a write torn by a crash, or
 * garbage) is cut off and logged; it is not an error. Everything after the first bad record is
 * cut with it, since the framing after it cannot be trusted.
 *
 * <p>All methods are thread-safe; appends are serialised so records never interleave, and never
 * wait for a disk flush.
 */
public final class Journal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final int HEADER_BYTES = 8;
    /** No record we write comes near this; a larger length means the header itself is garbage. */
    static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private final Path file;
    private final Path tempFile;
    private final ScheduledExecutorService forcer;
    private FileChannel channel;
    private boolean dirty;
    /** The file's length as this journal wrote it: asking the file system costs a system call per REGISTER. */
    private volatile long length;

    private Journal(Path file, FileChannel channel, long length, Duration forceInterval) {
        this.file = file;
        this.length = length;
        this.tempFile = file.resolveSibling(file.getFileName() + ".tmp");
        this.channel = channel;
        this.forcer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "journal-force-" + file.getFileName());
            thread.setDaemon(true);
            return thread;
        });
        long millis = forceInterval.toMillis();
        forcer.scheduleWithFixedDelay(this::forceQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens (creating if absent) the journal at {@code file}, passes every intact record to
     * {@code replay} in order, and cuts off a torn or corrupt tail.
     *
     * @param forceInterval how often appended records are forced to the disk
     */
    public static Journal open(Path file, Duration forceInterval, Consumer<byte[]> replay) throws IOException {
        Objects.requireNonNull(replay, "replay");
        if (forceInterval.isNegative() || forceInterval.isZero()) {
            throw new IllegalArgumentException("forceInterval must be positive: " + forceInterval);
        }
        // A temp file is only ever the unfinished half of a rewrite that never got renamed.
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".tmp"));
        FileChannel channel = openForAppend(file);
        long good;
        try {
            good = replay(channel, replay);
            long size = channel.size();
            if (good < size) {
                log.warn("Journal {}: cut off {} bytes of torn or corrupt tail at offset {}", file, size - good, good);
                channel.truncate(good);
                channel.force(true);
            }
            channel.position(good);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new Journal(file, channel, good, forceInterval);
    }

    /** Appends one record; on return the bytes are with the operating system (see class comment). */
    public synchronized void append(byte[] payload) throws IOException {
        try {
            length += write(channel, payload);
        } catch (IOException e) {
            try {
                length = channel.size(); // a write that failed half-way still lengthened the file
            } catch (IOException unknown) {
                e.addSuppressed(unknown);
            }
            throw e;
        }
        dirty = true;
    }

    /**
     * Forces appended records to the disk now. The disk flush runs outside the lock, so appends
     * never wait for the disk.
     */
    public void force() throws IOException {
        FileChannel toForce;
        synchronized (this) {
            if (!dirty) {
                return;
            }
            dirty = false;
            toForce = channel;
        }
        try {
            toForce.force(false);
        } catch (ClosedChannelException replacedOrClosed) {
            // close() forced it before closing; rewrite() closed it because its file was replaced
            // by one already forced. Either way nothing is left to flush.
        } catch (IOException e) {
            synchronized (this) {
                dirty = true;
            }
            throw e;
        }
    }

    /** The journal's length in bytes. */
    public long size() {
        return length;
    }

    /**
     * Replaces the whole journal with {@code records}, atomically: a crash at any point leaves
     * either the old journal or the new one, never a mix. Used for compaction.
     */
    public synchronized void rewrite(Iterable<byte[]> records) throws IOException {
        try (FileChannel temp = FileChannel.open(tempFile, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            restrictToOwner(tempFile);
            for (byte[] record : records) {
                write(temp, record);
            }
            temp.force(true);
        }
        try {
            Files.move(tempFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(tempFile);
            throw e;
        }
        forceDirectory(file.toAbsolutePath().getParent());
        // The old channel still points at the unlinked old file; appends must go to the new one.
        channel.close();
        channel = openForAppend(file);
        length = channel.size();
        channel.position(length);
        dirty = false;
    }

    @Override
    public synchronized void close() throws IOException {
        forcer.shutdownNow();
        if (channel.isOpen()) {
            try {
                channel.force(false);
            } finally {
                channel.close();
            }
        }
    }

    private void forceQuietly() {
        try {
            force();
        } catch (IOException | RuntimeException e) {
            log.error("Journal {}: could not force appended records to disk", file, e);
        }
    }

    /**
     * The length of the journal's intact records at the start of {@code channel}: what {@link #open} would keep. A
     * copy of a journal being appended to (a backup) takes this many bytes, so it never carries a torn tail.
     */
    public static long intactLength(FileChannel channel) throws IOException {
        return replay(channel, record -> { });
    }

    private static long replay(FileChannel channel, Consumer<byte[]> replay) throws IOException {
        long size = channel.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        CRC32 crc = new CRC32();
        while (size - position >= HEADER_BYTES) {
            header.clear();
            readFully(channel, header, position);
            header.flip();
            int length = header.getInt();
            int expectedCrc = header.getInt();
            if (length < 0 || length > MAX_RECORD_BYTES || length > size - position - HEADER_BYTES) {
                return position;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(channel, payload, position + HEADER_BYTES);
            crc.reset();
            crc.update(payload.array());
            if ((int) crc.getValue() != expectedCrc) {
                return position;
            }
            replay.accept(payload.array());
            position += HEADER_BYTES + length;
        }
        return position;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at " + (position + buffer.position()));
            }
        }
    }

    /** Writes one framed record; returns the bytes written. */
    private static int write(FileChannel channel, byte[] payload) throws IOException {
        if (payload.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("record of " + payload.length + " bytes exceeds " + MAX_RECORD_BYTES);
        }
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        return buffer.limit();
    }

    private static FileChannel openForAppend(Path file) throws IOException {
        FileChannel channel = Files.exists(file)
                ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE), ownerOnly(file));
        restrictToOwner(file);
        return channel;
    }

    /** Bindings and stored messages are private: mode 0600 where the file system has POSIX modes. */
    private static FileAttribute<?>[] ownerOnly(Path path) {
        return posix(path)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
    }

    private static void restrictToOwner(Path path) throws IOException {
        if (posix(path)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** Makes a rename durable: the directory entry itself must reach the disk (POSIX; not possible on Windows). */
    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            log.debug("Cannot force directory {} on this platform", directory, e);
        }
    }
}
