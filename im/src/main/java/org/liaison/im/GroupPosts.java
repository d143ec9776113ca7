package org.liaison.im;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group posts, each kept ONCE for all the members it is owed to, under {@code messages/.posts/}
 * (a name no recipient directory can have: {@link RecipientNames} encodes every dot):
 * <pre>
 *   &lt;id&gt;.post   0600  the message and its recipients, written once by atomic rename
 *   &lt;id&gt;.done   0600  append-only: recipients the post is no longer owed to (all their devices have it)
 * </pre>
 * A post to 300 members is one file and two fsyncs, not 300 files and 600 fsyncs. Each member's
 * devices acknowledge it in the member's own {@code acks.log}, as for any message. The post is
 * deleted when every recipient is done with it or when it expires.
 */
final class GroupPosts {

    static final String DIRECTORY = ".posts";
    private static final String SUFFIX = ".post";
    private static final String DONE_SUFFIX = ".done";
    private static final int MAGIC = 0x4C495031; // "LIP1"

    private static final Logger log = LoggerFactory.getLogger(GroupPosts.class);

    /** One post in memory: who still has it waiting; {@code this} is the lock of its files. */
    static final class Post {
        final String id;
        final Instant expiresAt;
        final String origin;
        final Set<String> owedTo;
        private boolean deleted;

        Post(String id, Instant expiresAt, String origin, Collection<String> owedTo) {
            this.id = id;
            this.expiresAt = expiresAt;
            this.origin = origin;
            this.owedTo = new LinkedHashSet<>(owedTo);
        }
    }

    private final Path directory;
    private final Map<String, Post> posts = new ConcurrentHashMap<>();

    private GroupPosts(Path directory) {
        this.directory = directory;
    }

    /** Loads the posts a previous run left, deleting those nobody is owed and temp files of posts never accepted. */
    static GroupPosts open(Path messagesDir) throws IOException {
        GroupPosts loaded = new GroupPosts(messagesDir.resolve(DIRECTORY));
        DurableFiles.createPrivateDirectory(loaded.directory);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(loaded.directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (DurableFiles.isTempFile(file)) {
                    log.warn("Deleting {}: left by a write that did not complete", file);
                    Files.delete(file);
                } else if (name.endsWith(SUFFIX)) {
                    loaded.load(file, name.substring(0, name.length() - SUFFIX.length()));
                } else if (!name.endsWith(DONE_SUFFIX) && !name.endsWith(StoreLoader.CORRUPT_SUFFIX)) {
                    log.warn("Ignoring {}: not a file of the offline store", file);
                }
            }
        }
        return loaded;
    }

    private void load(Path file, String id) throws IOException {
        Post post;
        try {
            Decoded decoded = decode(Files.readAllBytes(file));
            if (!MessageIds.isId(id) || !decoded.message().id().equals(id)) {
                throw new IOException("post file does not match its name");
            }
            post = new Post(id, decoded.message().expiresAt(), decoded.message().origin(), decoded.recipients());
        } catch (IOException e) {
            Path aside = file.resolveSibling(file.getFileName() + StoreLoader.CORRUPT_SUFFIX);
            log.error("Moving {} aside to {}: {}", file, aside, e.getMessage());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        AckLog.replay(doneLog(id)).forEach(done -> post.owedTo.remove(done.deviceKey()));
        if (post.owedTo.isEmpty()) {
            deleteFiles(id); // every recipient was done just before a crash
        } else {
            posts.put(id, post);
        }
    }

    Collection<Post> all() {
        return posts.values();
    }

    /** Keeps {@code message} (its recipient is the group) for {@code recipients}; durable when it returns. */
    Post write(StoredMessage message, List<String> recipients) throws IOException {
        DurableFiles.writeAtomically(directory.resolve(message.id() + SUFFIX), encode(message, recipients));
        Post post = new Post(message.id(), message.expiresAt(), message.origin(), recipients);
        posts.put(post.id, post);
        return post;
    }

    /** The post as kept for {@code recipient}. */
    StoredMessage read(String id, String recipient) {
        try {
            return decode(Files.readAllBytes(directory.resolve(id + SUFFIX))).message().forRecipient(recipient);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read group post " + id + " for " + recipient, e);
        }
    }

    /**
     * Records durably that the post is no longer owed to {@code recipient}; the last recipient
     * deletes it. True when this call deleted the post.
     */
    boolean finish(String id, String recipient) throws IOException {
        Post post = posts.get(id);
        if (post == null) {
            return false;
        }
        synchronized (post) {
            if (post.deleted || !post.owedTo.remove(recipient)) {
                return false;
            }
            if (!post.owedTo.isEmpty()) {
                AckLog.append(doneLog(id), new AckLog.Ack(id, recipient));
                return false;
            }
            return delete(post);
        }
    }

    /** Posts whose expiry has come; {@link #delete} them. */
    List<Post> expired(Instant now) {
        List<Post> expired = new ArrayList<>();
        posts.values().forEach(post -> {
            if (!post.expiresAt.isAfter(now)) {
                expired.add(post);
            }
        });
        return expired;
    }

    /** True when this call deleted the post (false: it was gone already). */
    boolean delete(Post post) throws IOException {
        synchronized (post) {
            if (post.deleted) {
                return false;
            }
            // the post before its done log: a crash in between leaves a log of no post, which nothing reads
            deleteFiles(post.id);
            post.deleted = true;
            posts.remove(post.id);
            return true;
        }
    }

    private void deleteFiles(String id) throws IOException {
        Files.deleteIfExists(directory.resolve(id + SUFFIX));
        Files.deleteIfExists(doneLog(id));
        DurableFiles.forceDirectory(directory);
    }

    private Path doneLog(String id) {
        return directory.resolve(id + DONE_SUFFIX);
    }

    private record Decoded(StoredMessage message, List<String> recipients) {
    }

    /** {@code [magic][int n][n recipients][message file bytes][CRC-32 of all before it]}. */
    private static byte[] encode(StoredMessage message, List<String> recipients) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(recipients.size());
            for (String recipient : recipients) {
                Fields.writeText(out, recipient);
            }
            Fields.writeBytes(out, MessageFile.encode(message));
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    private static Decoded decode(byte[] bytes) throws IOException {
        if (bytes.length < 12) {
            throw new IOException("post file too short: " + bytes.length + " bytes");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        in.skipNBytes(bytes.length - 4);
        if ((int) crc.getValue() != in.readInt()) {
            throw new IOException("post file fails its CRC check");
        }
        in = new DataInputStream(new ByteArrayInputStream(bytes, 0, bytes.length - 4));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a post file (bad magic number)");
        }
        int count = in.readInt();
        if (count < 1 || count > in.available()) {
            throw new IOException("post file names " + count + " recipients");
        }
        List<String> recipients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            recipients.add(Fields.readText(in));
        }
        StoredMessage message = MessageFile.decode(Fields.readBytes(in));
        if (in.available() != 0) {
            throw new IOException("post file has " + in.available() + " unexpected trailing bytes");
        }
        return new Decoded(message, recipients);
    }
}
