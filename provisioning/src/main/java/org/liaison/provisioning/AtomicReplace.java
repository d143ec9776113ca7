package org.liaison.provisioning;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Replaces a file so that readers, the server's poller among them, see the old content or the
 * new, never half of it; and so that a crash leaves one of the two on disk.
 */
final class AtomicReplace {
    private AtomicReplace() {
    }

    /** Replaces {@code target} (a real path, not a link) with {@code content}, keeping its owner and permissions. */
    static void write(Path target, byte[] content) throws IOException {
        Path directory = target.toAbsolutePath().getParent();
        // Same directory: a rename is only atomic within one file system.
        Path temp = Files.createTempFile(directory, "." + target.getFileName() + ".", ".tmp");
        try {
            keepOwnershipAndPermissions(target, temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncDirectory(directory);
    }

    /**
     * The temp file starts owner-only (0600); the server, possibly another user in the file's
     * group, must still be able to read the replacement. Failing to keep them fails the write.
     */
    private static void keepOwnershipAndPermissions(Path from, Path to) throws IOException {
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        PosixFileAttributeView copy = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (source == null || copy == null) {
            return; // not POSIX (Windows): the new file inherits the directory's access list
        }
        PosixFileAttributes attributes = source.readAttributes();
        copy.setOwner(attributes.owner());
        copy.setGroup(attributes.group());
        copy.setPermissions(attributes.permissions());
    }

    /** Makes the rename itself durable: until the directory is synced, a crash may undo it. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; the new content is in place and
            // synced, only the rename's durability across a power cut is weaker there.
        }
    }
}
