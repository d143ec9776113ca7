package org.liaison.im;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link OfflineStore} in plain files under {@code <dataDir>/messages/}:
 * <pre>
 * messages/                      0700
 *   &lt;recipient, %-encoded&gt;/      0700
 *     &lt;id&gt;.msg                   0600  one message, written once, never changed
 *     acks.log                   0600  append-only acknowledgements of this recipient
 *   .posts/                      0700  group posts, each kept once for all its recipients ({@link GroupPosts})
 * </pre>
 * A message file appears only by atomic rename of a forced temp file, and the directory is
 * forced before {@link #store} returns; an acknowledgement is forced before
 * {@link #acknowledge} returns. So after kill -9 or a power cut every message whose store
 * returned is there, and every acknowledgement that returned still holds. Open deletes
 * leftover temp files (a store that never returned), and cuts a torn tail off an ack log.
 *
 * <p>Each recipient's queue is its own lock, held across that recipient's fsyncs: one slow
 * write holds up only its recipient, never the whole store (a global lock here once let one
 * group post stall every SIP thread). A queue, once made, stays in the map for the life of the
 * store, so two threads always lock the same object for the same recipient.
 */
public final class FileOfflineStore implements OfflineStore {

    private static final Logger log = LoggerFactory.getLogger(FileOfflineStore.class);

    private final Path messagesDir;
    private final OfflineStoreSettings settings;
    private final Clock clock;
    private final Map<String, RecipientQueue> queues;
    private final GroupPosts posts;
    private final SenderCounts senders;
    private final MessageIds ids;
    private volatile boolean closed;

    private FileOfflineStore(Path messagesDir, OfflineStoreSettings settings, Clock clock,
            Map<String, RecipientQueue> queues, GroupPosts posts, SenderCounts senders) {
        this.messagesDir = messagesDir;
        this.settings = settings;
        this.clock = clock;
        this.queues = queues;
        this.posts = posts;
        this.senders = senders;
        this.ids = new MessageIds(queues.values().stream().map(RecipientQueue::highestId)
                .filter(Objects::nonNull).max(String::compareTo).orElse(null));
    }

    /** Opens the store in {@code dataDir}, creating it if needed, and loads what a previous run left. */
    public static FileOfflineStore open(Path dataDir, OfflineStoreSettings settings, Clock clock) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Files.createDirectories(dataDir);
        Path messagesDir = dataDir.resolve("messages");
        DurableFiles.createPrivateDirectory(messagesDir);
        GroupPosts posts = GroupPosts.open(messagesDir);
        SenderCounts senders = new SenderCounts(settings.maxMessagesPerSender());
        Map<String, RecipientQueue> queues = new ConcurrentHashMap<>();
        // posts first, so each recipient's ack log finds the posts it acknowledges
        for (GroupPosts.Post post : posts.all()) {
            senders.add(post.origin);
            for (String recipient : post.owedTo) {
                queueOf(queues, messagesDir, recipient).add(post.id, post.expiresAt, post.origin, true);
            }
        }
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(messagesDir)) {
            for (Path directory : directories) {
                Optional<String> recipient = RecipientNames.fromFileName(directory.getFileName().toString());
                if (directory.getFileName().toString().equals(GroupPosts.DIRECTORY)) {
                    continue;
                }
                if (recipient.isEmpty() || !Files.isDirectory(directory)) {
                    log.warn("Ignoring {}: not a recipient directory of the offline store", directory);
                    continue;
                }
                StoreLoader.load(recipient.get(), queueOf(queues, messagesDir, recipient.get()), senders);
            }
        }
        FileOfflineStore store = new FileOfflineStore(messagesDir, settings, clock, queues, posts, senders);
        log.info("Offline store opened in {} with {} messages for {} recipients ({} group posts)", messagesDir,
                store.count(), queues.size(), posts.all().size());
        return store;
    }

    @Override
    public StoredMessage store(NewMessage message)
            throws QueueFullException, SenderQueueFullException, MessageTooLargeException {
        ensureOpen();
        refuseIfTooLarge(message);
        String recipient = message.recipient();
        RecipientQueue queue = queueOf(recipient);
        synchronized (queue) {
            Instant now = clock.instant();
            forgetExpired(recipient, queue, now);
            refuseIfNoRoom(recipient, queue, message.origin());
            senders.reserve(message.origin());
            StoredMessage stored = new StoredMessage(nextId(now), recipient, message.sender(), message.callId(),
                    message.contentType(), message.body(), now, now.plus(settings.expiry()), message.origin());
            try {
                DurableFiles.createPrivateDirectory(queue.directory());
                DurableFiles.writeAtomically(queue.fileOf(stored.id()), MessageFile.encode(stored));
            } catch (IOException e) {
                senders.release(message.origin());
                throw new UncheckedIOException("could not store message for " + recipient, e);
            }
            queue.add(stored.id(), stored.expiresAt(), stored.origin(), false);
            return stored;
        }
    }

    @Override
    public List<String> storeForMembers(NewMessage post, List<String> members)
            throws SenderQueueFullException, MessageTooLargeException {
        ensureOpen();
        refuseIfTooLarge(post);
        String origin = post.origin();
        Instant now = clock.instant();
        List<String> room = new ArrayList<>();
        for (String member : new LinkedHashSet<>(members)) {
            RecipientQueue queue = queueOf(member);
            synchronized (queue) {
                forgetExpired(member, queue, now);
                if (hasRoom(queue, origin)) {
                    room.add(member);
                }
            }
        }
        if (room.isEmpty()) {
            return room;
        }
        senders.reserve(origin);
        StoredMessage stored = new StoredMessage(nextId(now), post.recipient(), post.sender(), post.callId(),
                post.contentType(), post.body(), now, now.plus(settings.expiry()), origin);
        try {
            posts.write(stored, room);
        } catch (IOException e) {
            senders.release(origin);
            throw new UncheckedIOException("could not store group post of " + post.recipient(), e);
        }
        for (String member : room) {
            RecipientQueue queue = queueOf(member);
            synchronized (queue) {
                queue.add(stored.id(), stored.expiresAt(), origin, true);
            }
        }
        return room;
    }

    @Override
    public List<StoredMessage> pendingFor(String recipient, String deviceKey, int max) {
        ensureOpen();
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        RecipientQueue queue = queues.get(recipient);
        if (queue == null) {
            return List.of();
        }
        synchronized (queue) {
            List<StoredMessage> pending = new ArrayList<>();
            for (String id : queue.pending(deviceKey, clock.instant(), max)) {
                pending.add(queue.isGroupPost(id) ? posts.read(id, recipient) : readOwn(queue, recipient, id));
            }
            return pending;
        }
    }

    @Override
    public boolean holdsFor(String recipient) {
        ensureOpen();
        RecipientQueue queue = queues.get(recipient);
        if (queue == null) {
            return false;
        }
        synchronized (queue) {
            return !queue.isEmpty();
        }
    }

    @Override
    public void acknowledge(String recipient, String deviceKey, String messageId) {
        ensureOpen();
        Objects.requireNonNull(deviceKey, "deviceKey");
        RecipientQueue queue = queues.get(recipient);
        if (queue == null) {
            return;
        }
        synchronized (queue) {
            if (!queue.needsAck(messageId, deviceKey)) {
                return;
            }
            try {
                // a member who only ever got group posts has no directory yet
                DurableFiles.createPrivateDirectory(queue.directory());
                AckLog.append(queue.ackLog(), new AckLog.Ack(messageId, deviceKey));
            } catch (IOException e) {
                throw new UncheckedIOException("could not record acknowledgement of " + messageId, e);
            }
            queue.markAcked(messageId, deviceKey);
        }
    }

    @Override
    public int forgetDelivered(String recipient, Set<String> knownDevices) {
        ensureOpen();
        RecipientQueue queue = queues.get(recipient);
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return forget(recipient, queue, queue.ackedByAll(Set.copyOf(knownDevices)), false);
        }
    }

    @Override
    public int purgeExpired() {
        ensureOpen();
        Instant now = clock.instant();
        int deleted = 0;
        for (Map.Entry<String, RecipientQueue> entry : queues.entrySet()) {
            synchronized (entry.getValue()) {
                deleted += forgetExpired(entry.getKey(), entry.getValue(), now);
            }
        }
        try {
            for (GroupPosts.Post post : posts.expired(now)) {
                if (posts.delete(post)) {
                    senders.release(post.origin);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete expired group posts", e);
        }
        return deleted;
    }

    @Override
    public int count() {
        int count = 0;
        for (RecipientQueue queue : queues.values()) {
            synchronized (queue) {
                count += queue.size();
            }
        }
        return count;
    }

    /** Every operation is already durable when it returns, so closing only refuses later calls. */
    @Override
    public void close() {
        closed = true;
    }

    private void refuseIfTooLarge(NewMessage message) throws MessageTooLargeException {
        if (message.bodyLength() > settings.maxMessageBytes()) {
            throw new MessageTooLargeException(message.bodyLength(), settings.maxMessageBytes());
        }
    }

    private void refuseIfNoRoom(String recipient, RecipientQueue queue, String origin)
            throws QueueFullException, SenderQueueFullException {
        if (queue.size() >= settings.maxMessagesPerUser()) {
            throw new QueueFullException(recipient, settings.maxMessagesPerUser());
        }
        if (queue.countFrom(origin) >= settings.maxMessagesPerSenderPerUser()) {
            throw new SenderQueueFullException(origin, "for " + recipient, settings.maxMessagesPerSenderPerUser());
        }
    }

    private boolean hasRoom(RecipientQueue queue, String origin) {
        return queue.size() < settings.maxMessagesPerUser()
                && queue.countFrom(origin) < settings.maxMessagesPerSenderPerUser();
    }

    private String nextId(Instant now) {
        synchronized (ids) {
            return ids.next(now.toEpochMilli());
        }
    }

    private RecipientQueue queueOf(String recipient) {
        return queueOf(queues, messagesDir, recipient);
    }

    private static RecipientQueue queueOf(Map<String, RecipientQueue> queues, Path messagesDir, String recipient) {
        return queues.computeIfAbsent(recipient,
                r -> new RecipientQueue(messagesDir.resolve(RecipientNames.toFileName(r))));
    }

    private static StoredMessage readOwn(RecipientQueue queue, String recipient, String id) {
        try {
            return MessageFile.decode(Files.readAllBytes(queue.fileOf(id)));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read message " + id + " of " + recipient, e);
        }
    }

    /** Expired messages are owed to nobody; they must not fill the queue until the next purge. */
    private int forgetExpired(String recipient, RecipientQueue queue, Instant now) {
        return forget(recipient, queue, queue.expired(now), true);
    }

    /**
     * Message files go first and the ack log is rewritten after: a crash in between leaves acks
     * of missing messages, which open ignores; the other order could lose acks of live ones. A
     * group post is only marked done for this recipient; an expired one is left to
     * {@link #purgeExpired}, which deletes it for everyone at once.
     */
    private int forget(String recipient, RecipientQueue queue, List<String> messageIds, boolean expired) {
        if (messageIds.isEmpty()) {
            return 0;
        }
        try {
            for (String id : messageIds) {
                boolean groupPost = queue.isGroupPost(id);
                String origin = queue.remove(id);
                if (!groupPost) {
                    Files.deleteIfExists(queue.fileOf(id));
                    senders.release(origin);
                } else if (!expired && posts.finish(id, recipient)) {
                    senders.release(origin);
                }
            }
            if (Files.isDirectory(queue.directory())) {
                DurableFiles.forceDirectory(queue.directory());
                AckLog.rewrite(queue.ackLog(), queue.acks());
                if (queue.isEmpty()) {
                    deleteIfEmpty(queue.directory());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete messages of " + recipient, e);
        }
        return messageIds.size();
    }

    /** A directory holding files moved aside for an operator stays, so they are not lost. */
    private void deleteIfEmpty(Path directory) throws IOException {
        try {
            Files.delete(directory);
            DurableFiles.forceDirectory(messagesDir);
        } catch (DirectoryNotEmptyException kept) {
            log.debug("Keeping {}: it holds files the store does not own", directory);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("offline store is closed");
        }
    }
}
