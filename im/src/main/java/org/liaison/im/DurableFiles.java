package org.liaison.im;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The few file system moves that make the store crash-safe. A file is durable only once its
 * bytes are forced AND the directory entry naming it is forced; a rename is atomic but not
 * durable until its directory is forced. Messages are private, so directories are 0700 and
 * files 0600 where the file system knows POSIX permissions.
 */
final class DurableFiles {

    static final String TEMP_SUFFIX = ".tmp";

    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private DurableFiles() {
    }

    /** Creates the directory if needed, private, and makes its entry in the parent durable. */
    static void createPrivateDirectory(Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            if (isPosix(directory)) {
                Files.setPosixFilePermissions(directory, DIRECTORY);
            }
            return;
        }
        try {
            if (isPosix(directory.getParent())) {
                Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(DIRECTORY));
            } else {
                Files.createDirectory(directory);
            }
        } catch (FileAlreadyExistsException raced) {
            return;
        }
        forceDirectory(directory.getParent());
    }

    /**
     * Writes {@code bytes} to {@code target} so that after a crash the target either does not
     * exist or holds all the bytes: temp file, force, atomic rename, force the directory. A
     * crash leaves at worst a temp file, which the store deletes when it opens.
     */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), privateFile(temp))) {
                writeFully(channel, ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        forceDirectory(target.getParent());
    }

    /** Appends and forces before returning, creating the file private if it is new. */
    static void appendDurably(Path file, byte[] bytes) throws IOException {
        boolean created = !Files.exists(file);
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND), privateFile(file))) {
            writeFully(channel, ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        if (created) {
            forceDirectory(file.getParent());
        }
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
            channel.force(true);
        }
    }

    static void forceDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    static boolean isTempFile(Path file) {
        return file.getFileName().toString().endsWith(TEMP_SUFFIX);
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static FileAttribute<?>[] privateFile(Path file) {
        return isPosix(file.getParent())
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
                : new FileAttribute<?>[0];
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
