package org.liaison.sip.backup;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code bin/liaison restore INFILE [--force]}: a backup back into the data.dir of a stopped server (the command
 * holds the server's lock meanwhile, so none starts on a half-restored directory). Nothing is written before the
 * whole archive checked out: every name a data file's (never outside data.dir, see {@link ArchivePaths}), only
 * regular files, each listed once in the manifest with its size and SHA-256, nothing missing, nothing extra. The
 * files are then written into {@value #STAGING_NAME} inside data.dir, checked again as they are written (the archive
 * could change between the two reads), forced, and moved into place. A data.dir holding anything but the lock file is
 * refused unless {@code replace} (--force), which deletes what it holds first.
 */
public final class DataDirRestore {
    static final String STAGING_NAME = ".restore-incoming";
    static final Path STAGING = Path.of(STAGING_NAME);
    private static final int MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
    private static final int BUFFER_BYTES = 64 * 1024;

    private DataDirRestore() {
    }

    /** Reads the whole archive and checks it against its manifest; writes nothing. */
    public static Archived verify(Path archive) throws IOException {
        return Archived.of(checked(archive));
    }

    /**
     * Restores {@code archive} into {@code dataDir}, which the caller keeps locked.
     *
     * @param lockFile the name of the lock file in data.dir, which is kept
     * @param replace  whether what data.dir holds may be deleted first
     */
    public static Archived restore(Path archive, Path dataDir, String lockFile, boolean replace) throws IOException {
        BackupManifest manifest = checked(archive);
        List<Path> present = contents(dataDir, lockFile);
        if (!present.isEmpty() && !replace) {
            throw new BackupProblem("data.dir " + dataDir + " is not empty (" + present.size() + " entries, e.g. "
                    + present.get(0).getFileName() + "): restore --force deletes what it holds first");
        }
        for (Path entry : present) {
            deleteTree(entry);
        }
        Path staging = dataDir.resolve(STAGING);
        deleteTree(staging);
        DurableWrites.createPrivateDirectories(staging);
        extract(archive, staging, manifest);
        forceTree(staging);
        try (DirectoryStream<Path> children = Files.newDirectoryStream(staging)) {
            for (Path child : children) {
                Files.move(child, dataDir.resolve(child.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.delete(staging);
        DurableWrites.forceDirectory(dataDir);
        return Archived.of(manifest);
    }

    /** Pass one: the manifest, once every entry matched it. */
    private static BackupManifest checked(Path archive) throws IOException {
        try {
            return readAndCompare(archive);
        } catch (EOFException | ZipException | IllegalArgumentException damaged) {
            // a cut-off file, bad gzip data, a tar header commons-compress cannot read
            throw new BackupProblem(archive + " is damaged or not a Liaison backup: " + damaged.getMessage());
        }
    }

    private static BackupManifest readAndCompare(Path archive) throws IOException {
        Map<String, BackupManifest.FileEntry> found = new HashMap<>();
        BackupManifest manifest = null;
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = ArchiveStreams.reader(file, archive.toString())) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                String name = entry.getName();
                if (!entry.isFile() || entry.isLink() || entry.isSymbolicLink()) {
                    throw new BackupProblem(archive + ": '" + name + "' is not a regular file; a Liaison backup holds only files");
                }
                if (name.equals(BackupManifest.ENTRY_NAME) && manifest == null) {
                    manifest = BackupManifest.parse(readManifest(tar, entry, archive));
                    continue;
                }
                ArchivePaths.check(name);
                MessageDigest sha256 = ArchiveStreams.sha256();
                long size = copy(tar, OutputStream.nullOutputStream(), sha256);
                if (found.put(name, new BackupManifest.FileEntry(name, size, ArchiveStreams.hex(sha256))) != null) {
                    throw new BackupProblem(archive + ": '" + name + "' is in it twice");
                }
            }
        }
        if (manifest == null) {
            throw new BackupProblem(archive + " has no " + BackupManifest.ENTRY_NAME + ": not a Liaison backup");
        }
        compare(archive, manifest, found);
        return manifest;
    }

    private static byte[] readManifest(TarArchiveInputStream tar, TarArchiveEntry entry, Path archive) throws IOException {
        if (entry.getSize() > MAX_MANIFEST_BYTES) {
            throw new BackupProblem(archive + ": its manifest is " + entry.getSize() + " bytes long");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        copy(tar, bytes, ArchiveStreams.sha256());
        return bytes.toByteArray();
    }

    private static void compare(Path archive, BackupManifest manifest, Map<String, BackupManifest.FileEntry> found)
            throws BackupProblem {
        for (BackupManifest.FileEntry listed : manifest.files()) {
            BackupManifest.FileEntry actual = found.remove(listed.name());
            if (actual == null) {
                throw new BackupProblem(archive + ": " + listed.name() + " is in the manifest but not in the archive");
            }
            if (!actual.equals(listed)) {
                throw new BackupProblem(archive + ": " + listed.name() + " does not match its manifest line (size "
                        + actual.size() + " for " + listed.size() + ", or another SHA-256): the archive is damaged");
            }
        }
        if (!found.isEmpty()) {
            throw new BackupProblem(archive + ": " + found.keySet().iterator().next() + " is not in the manifest");
        }
    }

    /** Pass two: each data file into {@code staging}, checked again against the manifest as it is written. */
    private static void extract(Path archive, Path staging, BackupManifest manifest) throws IOException {
        Map<String, BackupManifest.FileEntry> expected = new HashMap<>();
        manifest.files().forEach(file -> expected.put(file.name(), file));
        try (InputStream file = Files.newInputStream(archive);
                TarArchiveInputStream tar = ArchiveStreams.reader(file, archive.toString())) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                BackupManifest.FileEntry listed = expected.remove(entry.getName());
                if (listed == null) {
                    continue; // the manifest itself (the first pass refused anything else)
                }
                Path target = ArchivePaths.under(staging, entry.getName());
                DurableWrites.createPrivateDirectories(target.getParent());
                MessageDigest sha256 = ArchiveStreams.sha256();
                long size;
                try (OutputStream out = Files.newOutputStream(DurableWrites.createOwnerOnly(target),
                        StandardOpenOption.WRITE)) {
                    size = copy(tar, out, sha256);
                }
                DurableWrites.force(target);
                if (!listed.equals(new BackupManifest.FileEntry(listed.name(), size, ArchiveStreams.hex(sha256)))) {
                    throw new BackupProblem(archive + " changed while it was restored (" + listed.name() + ")");
                }
                // owner read-write always, group and others read at most (ca.pem is world-readable)
                DurableWrites.setMode(target, entry.getMode() & 0644 | 0600);
            }
        }
        if (!expected.isEmpty()) {
            throw new BackupProblem(archive + " changed while it was restored (" + expected.keySet().iterator().next() + ")");
        }
    }

    private static long copy(InputStream in, OutputStream out, MessageDigest sha256) throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long total = 0;
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            sha256.update(buffer, 0, read);
            out.write(buffer, 0, read);
            total += read;
        }
        return total;
    }

    private static List<Path> contents(Path dataDir, String lockFile) throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dataDir)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (!name.equals(lockFile) && !name.equals(STAGING_NAME)) {
                    entries.add(child);
                }
            }
        }
        entries.sort(Comparator.naturalOrder());
        return entries;
    }

    /** Deletes {@code path} and what it holds, never following a symbolic link out of it. */
    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path each : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(each);
            }
        }
    }

    /** Forces every file's directory entry: the directories, deepest first. */
    private static void forceTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path each : (Iterable<Path>) walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder())::iterator) {
                DurableWrites.forceDirectory(each);
            }
        }
    }
}
