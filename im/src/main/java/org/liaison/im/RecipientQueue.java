package org.liaison.im;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the store keeps in memory about one recipient's messages: ids in arrival order, when
 * each expires, who sent it, whether it is a group post kept once for all its recipients, and
 * which devices have acknowledged it. Bodies stay on disk, so memory is bounded by the per-user
 * cap times the number of users, a few dozen bytes per message.
 *
 * <p>Not thread-safe: the store holds the queue's own lock around every use, so one recipient's
 * slow fsync never waits on another's.
 */
final class RecipientQueue {

    private final Path directory;
    private final TreeMap<String, Waiting> messages = new TreeMap<>();
    private final Map<String, Integer> countByOrigin = new HashMap<>();

    private static final class Waiting {
        final Instant expiresAt;
        final String origin;
        final boolean groupPost;
        final Set<String> ackedBy = new HashSet<>();

        Waiting(Instant expiresAt, String origin, boolean groupPost) {
            this.expiresAt = expiresAt;
            this.origin = origin;
            this.groupPost = groupPost;
        }
    }

    RecipientQueue(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    Path fileOf(String messageId) {
        return directory.resolve(messageId + MessageFile.SUFFIX);
    }

    Path ackLog() {
        return directory.resolve(AckLog.FILE_NAME);
    }

    int size() {
        return messages.size();
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    /** How many of the waiting messages came from {@code origin}. */
    int countFrom(String origin) {
        return countByOrigin.getOrDefault(origin, 0);
    }

    void add(String messageId, Instant expiresAt, String origin, boolean groupPost) {
        Waiting replaced = messages.put(messageId, new Waiting(expiresAt, origin, groupPost));
        if (replaced != null) {
            countByOrigin.merge(replaced.origin, -1, Integer::sum);
        }
        countByOrigin.merge(origin, 1, Integer::sum);
    }

    /** The origin of the removed message, or null when it was not here. */
    String remove(String messageId) {
        Waiting removed = messages.remove(messageId);
        if (removed == null) {
            return null;
        }
        countByOrigin.computeIfPresent(removed.origin, (origin, count) -> count == 1 ? null : count - 1);
        return removed.origin;
    }

    boolean contains(String messageId) {
        return messages.containsKey(messageId);
    }

    /** True when the message is a group post, kept once in {@link GroupPosts} rather than in this directory. */
    boolean isGroupPost(String messageId) {
        Waiting waiting = messages.get(messageId);
        return waiting != null && waiting.groupPost;
    }

    /** False when the message is gone or the device already acknowledged it: nothing to record. */
    boolean needsAck(String messageId, String deviceKey) {
        Waiting waiting = messages.get(messageId);
        return waiting != null && !waiting.ackedBy.contains(deviceKey);
    }

    /** Ignores acks of messages that are gone, e.g. replayed from a log not yet rewritten. */
    void markAcked(String messageId, String deviceKey) {
        Waiting waiting = messages.get(messageId);
        if (waiting != null) {
            waiting.ackedBy.add(deviceKey);
        }
    }

    List<String> pending(String deviceKey, Instant now, int max) {
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, Waiting> entry : messages.entrySet()) {
            if (ids.size() == max) {
                break;
            }
            Waiting waiting = entry.getValue();
            if (waiting.expiresAt.isAfter(now) && !waiting.ackedBy.contains(deviceKey)) {
                ids.add(entry.getKey());
            }
        }
        return ids;
    }

    List<String> expired(Instant now) {
        List<String> ids = new ArrayList<>();
        messages.forEach((id, waiting) -> {
            if (!waiting.expiresAt.isAfter(now)) {
                ids.add(id);
            }
        });
        return ids;
    }

    List<String> ackedByAll(Set<String> devices) {
        List<String> ids = new ArrayList<>();
        if (devices.isEmpty()) {
            return ids;
        }
        messages.forEach((id, waiting) -> {
            if (waiting.ackedBy.containsAll(devices)) {
                ids.add(id);
            }
        });
        return ids;
    }

    List<AckLog.Ack> acks() {
        List<AckLog.Ack> acks = new ArrayList<>();
        messages.forEach((id, waiting) -> waiting.ackedBy.forEach(device -> acks.add(new AckLog.Ack(id, device))));
        return acks;
    }

    String highestId() {
        return messages.isEmpty() ? null : messages.lastKey();
    }
}
