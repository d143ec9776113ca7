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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link OfflineStore} in plain files under {@code <dataDir>/messages/}:
 * <pre>
 * messages/                      0700
 *   &lt;recipient, %-encoded&gt;/      0700
 *     &lt;id&gt;.msg                   0600  one message, written once, never changed
 *     acks.log                   0600  append-only acknowledgements of this recipient
 * </pre>
 * A message file appears only by atomic rename of a forced temp file, and the directory is
 * forced before {@link #store} returns; an acknowledgement is forced before
 * {@link #acknowledge} returns. So after kill -9 or a power cut every message whose store
 * returned is there, and every acknowledgement that returned still holds. Open deletes
 * leftover temp files (a store that never returned), and cuts a torn tail off an ack log.
 *
 * <p>Every public method is {@code synchronized}: the fsyncs dominate and a single lock keeps
 * the index and the files in step without reasoning about interleavings.
 */
public final class FileOfflineStore implements OfflineStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileOfflineStore.class);

    private final Path messagesDir;
    private final OfflineStoreSettings settings;
    private final Clock clock;
    private final Map<String, RecipientQueue> queues;
    private final MessageIds ids;
    private boolean closed;

    private FileOfflineStore(Path messagesDir, OfflineStoreSettings settings, Clock clock,
            Map<String, RecipientQueue> queues) {
        this.messagesDir = messagesDir;
        this.settings = settings;
        this.clock = clock;
        this.queues = queues;
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
        Map<String, RecipientQueue> queues = new HashMap<>();
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(messagesDir)) {
            for (Path directory : directories) {
                Optional<String> recipient = RecipientNames.fromFileName(directory.getFileName().toString());
                if (recipient.isEmpty() || !Files.isDirectory(directory)) {
                    log.warn("Ignoring {}: not a recipient directory of the offline store", directory);
                    continue;
                }
                RecipientQueue queue = StoreLoader.load(recipient.get(), directory);
                if (!queue.isEmpty()) {
                    queues.put(recipient.get(), queue);
                }
            }
        }
        FileOfflineStore store = new FileOfflineStore(messagesDir, settings, clock, queues);
        log.info("Offline store opened in {} with {} messages for {} recipients", messagesDir, store.count(),
                queues.size());
        return store;
    }

    @Override
    public synchronized StoredMessage store(NewMessage message) throws QueueFullException, MessageTooLargeException {
        ensureOpen();
        if (message.bodyLength() > settings.maxMessageBytes()) {
            throw new MessageTooLargeException(message.bodyLength(), settings.maxMessageBytes());
        }
        String recipient = message.recipient();
        Path directory = messagesDir.resolve(RecipientNames.toFileName(recipient));
        Instant now = clock.instant();
        RecipientQueue queue = queues.computeIfAbsent(recipient, r -> new RecipientQueue(directory));
        // Expired messages are owed to nobody; they must not fill the queue until the next purge.
        delete(recipient, queue, queue.expired(now));
        if (queue.size() >= settings.maxMessagesPerUser()) {
            throw new QueueFullException(recipient, settings.maxMessagesPerUser());
        }
        StoredMessage stored = new StoredMessage(ids.next(now.toEpochMilli()), recipient, message.sender(),
                message.callId(), message.contentType(), message.body(), now, now.plus(settings.expiry()));
        try {
            DurableFiles.createPrivateDirectory(directory);
            DurableFiles.writeAtomically(queue.fileOf(stored.id()), MessageFile.encode(stored));
        } catch (IOException e) {
            if (queue.isEmpty()) {
                queues.remove(recipient);
            }
            throw new UncheckedIOException("could not store message for " + recipient, e);
        }
        queues.put(recipient, queue);
        queue.add(stored.id(), stored.expiresAt());
        return stored;
    }

    @Override
    public synchronized List<StoredMessage> pendingFor(String recipient, String deviceKey, int max) {
        ensureOpen();
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        RecipientQueue queue = queues.get(recipient);
        if (queue == null) {
            return List.of();
        }
        List<StoredMessage> pending = new ArrayList<>();
        for (String id : queue.pending(deviceKey, clock.instant(), max)) {
            try {
                pending.add(MessageFile.decode(Files.readAllBytes(queue.fileOf(id))));
            } catch (IOException e) {
                throw new UncheckedIOException("could not read message " + id + " of " + recipient, e);
            }
        }
        return pending;
    }

    @Override
    public synchronized void acknowledge(String recipient, String deviceKey, String messageId) {
        ensureOpen();
        Objects.requireNonNull(deviceKey, "deviceKey");
        RecipientQueue queue = queues.get(recipient);
        if (queue == null || !queue.needsAck(messageId, deviceKey)) {
            return;
        }
        try {
            AckLog.append(queue.ackLog(), new AckLog.Ack(messageId, deviceKey));
        } catch (IOException e) {
            throw new UncheckedIOException("could not record acknowledgement of " + messageId, e);
        }
        queue.markAcked(messageId, deviceKey);
    }

    @Override
    public synchronized int forgetDelivered(String recipient, Set<String> knownDevices) {
        ensureOpen();
        RecipientQueue queue = queues.get(recipient);
        return queue == null ? 0 : delete(recipient, queue, queue.ackedByAll(Set.copyOf(knownDevices)));
    }

    @Override
    public synchronized int purgeExpired() {
        ensureOpen();
        Instant now = clock.instant();
        int deleted = 0;
        for (Map.Entry<String, RecipientQueue> entry : List.copyOf(queues.entrySet())) {
            deleted += delete(entry.getKey(), entry.getValue(), entry.getValue().expired(now));
        }
        return deleted;
    }

    @Override
    public synchronized int count() {
        return queues.values().stream().mapToInt(RecipientQueue::size).sum();
    }

    /** Every operation is already durable when it returns, so closing only refuses later calls. */
    @Override
    public synchronized void close() {
        closed = true;
    }

    /**
     * Message files go first and the ack log is rewritten after: a crash in between leaves acks
     * of missing messages, which open ignores; the other order could lose acks of live ones.
     */
    private int delete(String recipient, RecipientQueue queue, List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return 0;
        }
        try {
            for (String id : messageIds) {
                Files.deleteIfExists(queue.fileOf(id));
                queue.remove(id);
            }
            DurableFiles.forceDirectory(queue.directory());
            AckLog.rewrite(queue.ackLog(), queue.acks());
            if (queue.isEmpty()) {
                queues.remove(recipient);
                deleteIfEmpty(queue.directory());
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
