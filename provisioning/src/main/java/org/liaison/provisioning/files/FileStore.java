package org.liaison.provisioning.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared files under {@code data.dir/files}: {@code HASH.data} holds the bytes and {@code HASH.meta}
 * who sent it, its name, type, size and {@code until}, where HASH is the SHA-256 of the link's token
 * ({@link FileToken}). A file is fsync'd and renamed into place, then its metadata, then the
 * directory is synced, all before the upload is answered: a 200 means the file survives a crash.
 *
 * <p>{@link #sweep()} deletes the bytes of expired files and keeps their metadata for
 * {@link #REMEMBER_EXPIRED} more, so an old link is answered 410 (gone) rather than 404 for that long.
 * Uploads in progress are written by the HTTP side into {@link #incoming()}, emptied at start.
 *
 * <p>In a cluster the directory may be one that every node mounts ({@link FileSharingSettings#sharedByNodes()}):
 * a link made through one node is then found through any other, whose own list of files does not know it
 * yet, by reading its metadata from the directory. Another node may be writing there at any moment, so what
 * looks half-written (an upload in {@code incoming/}, bytes without metadata) is deleted only once it has not
 * changed for {@link #ABANDONED_AFTER}, and the quota and the sweep first read the metadata other nodes wrote.
 */
public final class FileStore {
    private static final Logger log = LoggerFactory.getLogger(FileStore.class);
    /** How long the metadata of an expired file is kept to answer 410 for its link. */
    public static final Duration REMEMBER_EXPIRED = Duration.ofDays(30);
    /** No upload in progress leaves its partial file unwritten that long (the HTTP side times out idle uploads). */
    static final Duration ABANDONED_AFTER = Duration.ofHours(1);
    static final String DEFAULT_TYPE = "application/octet-stream";
    private static final int MAX_NAME_CHARS = 255;
    /** type "/" subtype, then parameters (liblinphone sends e.g. {@code audio/wav;voice-recording=yes}). */
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}(;[\\x20-\\x7E&&[^\"\\\\]]{0,120})?");

    private final FileSharingSettings settings;
    private final Clock clock;
    private final Path incoming;
    private final Map<String, StoredFile> files = new HashMap<>();

    private FileStore(FileSharingSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.incoming = settings.directory().resolve("incoming");
    }

    /** Opens (creating, owner-only) the store, forgets half-written uploads and loads what is kept. */
    public static FileStore open(FileSharingSettings settings, Clock clock) throws IOException {
        FileStore store = new FileStore(settings, clock);
        createPrivateDirectory(settings.directory());
        createPrivateDirectory(store.incoming);
        store.deleteAbandonedUploads();
        store.load();
        store.sweep();
        return store;
    }

    /** Uploads cut by a stop or a crash, never answered 200; on a shared directory, only those long untouched. */
    private void deleteAbandonedUploads() throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(incoming)) {
            for (Path leftover : leftovers) {
                if (abandoned(leftover)) {
                    Files.deleteIfExists(leftover);
                }
            }
        }
    }

    /** Whether a file that looks half-written is no one's write in progress: ours never is at start. */
    private boolean abandoned(Path file) throws IOException {
        return !settings.sharedByNodes() || Files.getLastModifiedTime(file).toInstant()
                .isBefore(clock.instant().minus(ABANDONED_AFTER));
    }

    public FileSharingSettings settings() {
        return settings;
    }

    /** Where uploads are streamed while they arrive: same file system as the store, so the final rename is atomic. */
    public Path incoming() {
        return incoming;
    }

    /** Bytes {@code owner} may still upload: the quota less their files whose links still work. */
    public synchronized long quotaLeft(String owner) {
        readOtherNodesFiles();
        Instant now = clock.instant();
        long used = files.values().stream()
                .filter(f -> f.owner().equals(owner) && now.isBefore(f.until()))
                .mapToLong(StoredFile::size).sum();
        return Math.max(0, settings.quotaPerUserBytes() - used);
    }

    /**
     * Keeps the completely received {@code upload} (moved, not copied) for {@code owner}; empty, with
     * {@code upload} left to its caller, when it no longer fits their quota (another upload finished first).
     *
     * @param name        the name the sender gave; reduced to a plain name, metadata only
     * @param contentType the type the sender gave; {@value #DEFAULT_TYPE} when it is not a media type
     */
    public synchronized Optional<Kept> keep(String owner, Path upload, String name, String contentType)
            throws IOException {
        long size = Files.size(upload);
        if (size > quotaLeft(owner) || size > settings.maxBytes()) {
            return Optional.empty();
        }
        String token = FileToken.create();
        String storageName = FileToken.storageName(token);
        StoredFile file = new StoredFile(storageName, owner, displayName(name), mediaType(contentType), size,
                clock.instant().plus(settings.expiry()).truncatedTo(ChronoUnit.SECONDS));
        try (FileChannel channel = FileChannel.open(upload, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Path data = dataPath(storageName);
        Files.move(upload, data, StandardCopyOption.ATOMIC_MOVE);
        try {
            writeMetadata(file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(data);
            throw e;
        }
        syncDirectory(settings.directory());
        files.put(storageName, file);
        return Optional.of(new Kept(token, file));
    }

    /** A file just kept, and the token of its link (known only to the uploader's answer). */
    public record Kept(String token, StoredFile file) {
    }

    /** What the link with {@code token} leads to now. */
    public synchronized FileLookup find(String token) {
        if (!FileToken.wellFormed(token)) {
            return new FileLookup.Unknown();
        }
        StoredFile file = files.get(FileToken.storageName(token));
        if (file == null && settings.sharedByNodes()) {
            file = readIfKeptByAnotherNode(FileToken.storageName(token));
        }
        if (file == null) {
            return new FileLookup.Unknown();
        }
        Path data = dataPath(file.storageName());
        if (!clock.instant().isBefore(file.until()) || !Files.isRegularFile(data)) {
            return new FileLookup.Expired();
        }
        return new FileLookup.Found(file, data);
    }

    /**
     * Deletes the bytes of every expired file, and the metadata of those expired more than
     * {@link #REMEMBER_EXPIRED} ago. A download already streaming keeps its open file (POSIX unlink).
     *
     * @return how many files' bytes were deleted
     */
    public synchronized int sweep() {
        deleteOtherNodesLeftovers();
        Instant now = clock.instant();
        int deleted = 0;
        for (StoredFile file : Map.copyOf(files).values()) {
            if (now.isBefore(file.until())) {
                continue;
            }
            try {
                if (Files.deleteIfExists(dataPath(file.storageName()))) {
                    deleted++;
                }
                if (!now.isBefore(file.until().plus(REMEMBER_EXPIRED))) {
                    Files.deleteIfExists(metaPath(file.storageName()));
                    files.remove(file.storageName());
                }
            } catch (IOException e) {
                log.warn("cannot delete the expired shared file {}: {}", file.storageName(), e.toString());
            }
        }
        if (deleted > 0) {
            log.info("deleted {} expired shared file(s)", deleted);
        }
        return deleted;
    }

    /** The last segment of what the sender called the file, without control characters, at most 255 characters. */
    static String displayName(String name) {
        String base = name == null ? "" : name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        String clean = base.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString().strip();
        if (clean.isEmpty() || clean.equals(".") || clean.equals("..")) {
            return "file";
        }
        return clean.length() <= MAX_NAME_CHARS ? clean : clean.substring(0, MAX_NAME_CHARS);
    }

    static String mediaType(String contentType) {
        return contentType != null && MEDIA_TYPE.matcher(contentType.strip()).matches() ? contentType.strip()
                : DEFAULT_TYPE;
    }

    private void load() throws IOException {
        readMetadataNotKnown();
        try (DirectoryStream<Path> datas = Files.newDirectoryStream(settings.directory(), "*.data")) {
            for (Path data : datas) {
                if (!files.containsKey(data.getFileName().toString().replace(".data", "")) && abandoned(data)) {
                    Files.deleteIfExists(data); // moved in, then a crash before its metadata: never answered 200
                }
            }
        }
    }

    /** Adds the files of the directory this store does not know yet: at start all, later those of other nodes. */
    private void readMetadataNotKnown() throws IOException {
        try (DirectoryStream<Path> metas = Files.newDirectoryStream(settings.directory(), "*.meta")) {
            for (Path meta : metas) {
                String storageName = meta.getFileName().toString().replace(".meta", "");
                if (files.containsKey(storageName)) {
                    continue;
                }
                try {
                    files.put(storageName, readMetadata(storageName, meta));
                } catch (IOException | RuntimeException e) {
                    log.warn("ignoring the unreadable shared file metadata {}: {}", meta, e.toString());
                }
            }
        }
    }

    /** On a directory other nodes share, the files they kept since: the quota counts every node's uploads. */
    private void readOtherNodesFiles() {
        if (settings.sharedByNodes()) {
            try {
                readMetadataNotKnown();
            } catch (IOException e) {
                log.warn("cannot read the shared files directory {}: {}", settings.directory(), e.toString());
            }
        }
    }

    /** Hourly on a directory other nodes share: what a node that stopped mid-upload left behind. */
    private void deleteOtherNodesLeftovers() {
        if (settings.sharedByNodes()) {
            try {
                load();
                deleteAbandonedUploads();
            } catch (IOException e) {
                log.warn("cannot clean the shared files directory {}: {}", settings.directory(), e.toString());
            }
        }
    }

    private StoredFile readIfKeptByAnotherNode(String storageName) {
        Path meta = metaPath(storageName);
        if (!Files.isRegularFile(meta)) {
            return null;
        }
        try {
            StoredFile file = readMetadata(storageName, meta);
            files.put(storageName, file);
            return file;
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring the unreadable shared file metadata {}: {}", meta, e.toString());
            return null;
        }
    }

    private static StoredFile readMetadata(String storageName, Path meta) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            p.load(in);
        }
        return new StoredFile(storageName, p.getProperty("owner"), p.getProperty("name"),
                p.getProperty("content-type"), Long.parseLong(p.getProperty("size")),
                Instant.parse(p.getProperty("until")));
    }

    private void writeMetadata(StoredFile file) throws IOException {
        Properties p = new Properties();
        p.setProperty("owner", file.owner());
        p.setProperty("name", file.name());
        p.setProperty("content-type", file.contentType());
        p.setProperty("size", Long.toString(file.size()));
        p.setProperty("until", file.until().toString());
        Path temp = Files.createTempFile(incoming, file.storageName(), ".meta");
        try {
            try (OutputStream out = Files.newOutputStream(temp)) {
                p.store(out, null); // ISO 8859-1 with \\u escapes: any name round-trips
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, metaPath(file.storageName()), StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private Path dataPath(String storageName) {
        return settings.directory().resolve(storageName + ".data");
    }

    private Path metaPath(String storageName) {
        return settings.directory().resolve(storageName + ".meta");
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
    }

    /** Makes the renames durable: until the directory is synced, a crash may undo them. */
    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("cannot sync the directory {}: {}", directory, e.toString());
        }
    }
}
