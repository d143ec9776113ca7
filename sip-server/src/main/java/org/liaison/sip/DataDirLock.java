package org.liaison.sip;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per data directory: two would each append to the location journal and the message
 * store and each rewrite them on compaction, corrupting both. The lock is an OS lock on
 * {@code data.dir/liaison.lock} ({@link FileChannel#tryLock}), held while the server runs: the OS
 * drops it when the process dies, even by kill -9, so a restart after a crash is never refused. The
 * file itself stays; its presence means nothing.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = "liaison.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dataDir}, or throws {@link DataDirInUse} if another server (in any process) holds it. */
    static DataDirLock acquire(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException heldInThisProcess) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new DataDirInUse(dataDir, file);
        }
        return new DataDirLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
