package org.liaison.sip.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.liaison.sip.registrar.EmbeddedLocationService;
import org.liaison.sip.store.Journal;
import org.liaison.sip.tls.TlsCredentials;

/**
 * {@code bin/liaison backup OUTFILE}: a consistent copy of data.dir while the server runs, without its cooperation.
 * Every store in data.dir is written so that a crash at any instant leaves it loadable, and the copy relies on how:
 * <ul>
 * <li>a file replaced by atomic rename (message files, group posts, enrolment tokens, the Record-Route key, file
 * metadata, ack logs after a rewrite) is read through one open descriptor, so the copy is one whole version of it;
 * <li>an append-only log (the location journal, ack and done logs) is copied up to its length when opened; the
 * location journal only up to its last intact record ({@link Journal#intactLength}), the others' loaders cut a
 * torn tail as after a crash;
 * <li>a file deleted after it was listed (a message delivered to every device meanwhile, an expired upload) is left
 * out, as it is gone from the store too;
 * <li>the TLS material ({@link TlsCredentials#DATA_DIR_FILES}), whose certificate and key are replaced one after the
 * other, is read as a set until two reads in a row agree, so a certificate never travels with another's key.
 * </ul>
 * So every message stored before the backup started and not deleted while it ran is in it; one delivered (and
 * deleted) while it ran may be in it and is delivered again after a restore: at least once, as after a crash.
 * Left out: the server's lock file, temp files of writes in progress, uploads still arriving ({@code files/incoming}).
 * The archive is written to OUTFILE.partial (owner-only: it holds private keys), forced, then renamed.
 */
public final class DataDirBackup {
    private static final String PARTIAL_SUFFIX = ".partial";
    private static final String TEMP_SUFFIX = ".tmp";
    private static final Path UPLOADS_IN_PROGRESS = Path.of("files", "incoming");
    private static final int STABLE_READ_ATTEMPTS = 5;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path dataDir;
    private final String lockFile;
    private final List<BackupManifest.FileEntry> written = new ArrayList<>();

    private DataDirBackup(Path dataDir, String lockFile) {
        this.dataDir = dataDir;
        this.lockFile = lockFile;
    }

    /**
     * Writes the backup of {@code dataDir} to {@code outFile} (a gzip'd tar), replacing it only once complete.
     *
     * @param lockFile the name of the running server's lock file in data.dir, left out
     */
    public static Archived write(Path dataDir, Path outFile, String lockFile, Clock clock) throws IOException {
        Path source = dataDir.toAbsolutePath().normalize();
        Path target = outFile.toAbsolutePath().normalize();
        if (!Files.isDirectory(source)) {
            throw new BackupProblem("data.dir " + source + " is not a directory: nothing to back up");
        }
        if (target.startsWith(source)) {
            throw new BackupProblem("the backup " + target + " may not be written inside data.dir " + source);
        }
        Instant created = clock.instant();
        Path partial = target.resolveSibling(target.getFileName() + PARTIAL_SUFFIX);
        Files.deleteIfExists(partial);
        try {
            BackupManifest manifest;
            try (OutputStream file = Files.newOutputStream(DurableWrites.createOwnerOnly(partial));
                    TarArchiveOutputStream tar = ArchiveStreams.writer(file)) {
                manifest = new DataDirBackup(source, lockFile).copyInto(tar, created);
                ArchiveStreams.putBytes(tar, BackupManifest.ENTRY_NAME, manifest.encode(), 0600, created);
                tar.finish();
            }
            DurableWrites.force(partial);
            DurableWrites.renameInto(partial, target);
            return Archived.of(manifest);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    private BackupManifest copyInto(TarArchiveOutputStream tar, Instant created) throws IOException {
        List<Path> tlsMaterial = new ArrayList<>();
        List<Path> rest = new ArrayList<>();
        for (Path relative : filesToCopy()) {
            boolean tls = TlsCredentials.DATA_DIR_FILES.stream().anyMatch(name -> relative.startsWith(name));
            (tls ? tlsMaterial : rest).add(relative);
        }
        for (Map.Entry<Path, byte[]> file : readStably(tlsMaterial).entrySet()) {
            String name = ArchivePaths.nameOf(file.getKey());
            Path path = dataDir.resolve(file.getKey());
            written.add(ArchiveStreams.putBytes(tar, name, file.getValue(), DurableWrites.mode(path),
                    Files.getLastModifiedTime(path).toInstant()));
        }
        for (Path relative : rest) {
            copyFile(tar, relative);
        }
        return new BackupManifest(created, dataDir.toString(), written);
    }

    /**
     * Regular files of data.dir (through symbolic links: a files/ directory on another disk is data too), sorted.
     * A file renamed or deleted between the directory read and its attributes (a message's temp file renamed into
     * place, a delivered message deleted) is a write of the running server, not an error: it is left out.
     */
    private List<Path> filesToCopy() throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(dataDir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        Path relative = dataDir.relativize(file);
                        if (attributes.isRegularFile() && isData(relative)) {
                            files.add(relative);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        return goneSinceListed(e);
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                        return e == null ? FileVisitResult.CONTINUE : goneSinceListed(e);
                    }
                });
        files.sort(null);
        return files;
    }

    private static FileVisitResult goneSinceListed(IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE;
        }
        throw e;
    }

    private boolean isData(Path relative) {
        String name = relative.getFileName().toString();
        return !relative.equals(Path.of(lockFile)) && !name.endsWith(TEMP_SUFFIX)
                && !relative.startsWith(UPLOADS_IN_PROGRESS) && !relative.startsWith(DataDirRestore.STAGING);
    }

    /** The files' contents as of one moment: read until two reads in a row agree (they change once a month at most). */
    private Map<Path, byte[]> readStably(List<Path> files) throws IOException {
        Map<Path, byte[]> previous = readAll(files);
        for (int attempt = 1; attempt < STABLE_READ_ATTEMPTS; attempt++) {
            Map<Path, byte[]> again = readAll(files);
            if (sameContents(previous, again)) {
                return again;
            }
            previous = again;
        }
        throw new BackupProblem("the TLS files in " + dataDir + " kept changing while they were read; try again");
    }

    private Map<Path, byte[]> readAll(List<Path> files) throws IOException {
        Map<Path, byte[]> contents = new LinkedHashMap<>();
        for (Path relative : files) {
            try {
                contents.put(relative, Files.readAllBytes(dataDir.resolve(relative)));
            } catch (NoSuchFileException replacedOrGone) {
                contents.put(relative, null);
            }
        }
        contents.values().removeIf(bytes -> bytes == null);
        return contents;
    }

    private static boolean sameContents(Map<Path, byte[]> a, Map<Path, byte[]> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> Arrays.equals(a.get(k), b.get(k)));
    }

    private void copyFile(TarArchiveOutputStream tar, Path relative) throws IOException {
        Path path = dataDir.resolve(relative);
        String name = ArchivePaths.nameOf(relative);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException deletedSinceListed) {
            return;
        }
        try (channel) {
            boolean journal = relative.equals(Path.of(EmbeddedLocationService.JOURNAL_FILE));
            long size = journal ? Journal.intactLength(channel) : channel.size();
            FileTime modified = Files.getLastModifiedTime(path);
            TarArchiveEntry entry = ArchiveStreams.fileEntry(name, size, DurableWrites.mode(path), modified.toInstant());
            tar.putArchiveEntry(entry);
            MessageDigest sha256 = ArchiveStreams.sha256();
            copy(Channels.newInputStream(channel), tar, size, sha256, path);
            tar.closeArchiveEntry();
            written.add(new BackupManifest.FileEntry(name, size, ArchiveStreams.hex(sha256)));
        }
    }

    /** Exactly {@code size} bytes: what was there when the file was opened (appends after that wait for the next backup). */
    private static void copy(InputStream in, OutputStream out, long size, MessageDigest sha256, Path path)
            throws IOException {
        byte[] buffer = new byte[BUFFER_BYTES];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new BackupProblem(path + " shrank while it was copied: no store of Liaison truncates a file"
                        + " while it runs; is another program writing in data.dir?");
            }
            sha256.update(buffer, 0, read);
            out.write(buffer, 0, read);
            left -= read;
        }
    }
}
