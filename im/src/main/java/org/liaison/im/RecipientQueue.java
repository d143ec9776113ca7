package org.liaison.im;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the store keeps in memory about one recipient's messages: ids in arrival order, when
 * each expires, and which devices have acknowledged it. Bodies stay on disk, so memory is
 * bounded by the per-user cap times the number of users, a few dozen bytes per message.
 */
final class RecipientQueue {

    private final Path directory;
    private final TreeMap<String, Waiting> messages = new TreeMap<>();

    private static final class Waiting {
        final Instant expiresAt;
        final Set<String> ackedBy = new HashSet<>();

        Waiting(Instant expiresAt) {
            this.expiresAt = expiresAt;
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

    void add(String messageId, Instant expiresAt) {
        messages.put(messageId, new Waiting(expiresAt));
    }

    void remove(String messageId) {
        messages.remove(messageId);
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
