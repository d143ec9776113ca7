package org.liaison.sip.presence;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * The presence documents users' devices published (RFC 3903 §6: the event state compositor), by
 * user and entity-tag. Composition, the simplest sound rule: the publication modified last wins (the
 * device the user touched last says what they are doing). A user keeps at most
 * {@link #MAX_PER_USER} publications: a new one beyond that replaces the one modified longest ago
 * (a device that went away without removing it).
 */
final class Publications {
    static final int MAX_PER_USER = 16;

    private record Publication(String document, Instant modifiedAt, Instant expiresAt) {
    }

    private final Map<String, Map<String, Publication>> byUser = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    Publications(Clock clock) {
        this.clock = clock;
    }

    /** A new publication of {@code document} by {@code user} for {@code expires}: its entity-tag. */
    synchronized String publish(String user, String document, Duration expires) {
        Map<String, Publication> mine = live(user);
        if (mine.size() >= MAX_PER_USER) {
            mine.entrySet().stream().min(Comparator.comparing(e -> e.getValue().modifiedAt()))
                    .ifPresent(oldest -> mine.remove(oldest.getKey()));
        }
        Instant now = clock.instant();
        String etag = newEtag();
        mine.put(etag, new Publication(document, now, now.plus(expires)));
        return etag;
    }

    /**
     * Refreshes (no {@code document}) or modifies the publication {@code etag} of {@code user}
     * (RFC 3903 §6 steps 6-8): its new entity-tag, or empty when there is no such live publication (412).
     */
    synchronized Optional<String> update(String user, String etag, Optional<String> document, Duration expires) {
        Map<String, Publication> mine = live(user);
        Publication old = mine.remove(etag);
        if (old == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String next = newEtag();
        mine.put(next, document.map(d -> new Publication(d, now, now.plus(expires)))
                .orElseGet(() -> new Publication(old.document(), old.modifiedAt(), now.plus(expires))));
        return Optional.of(next);
    }

    /** Removes the publication {@code etag} of {@code user} (Expires 0); whether there was one. */
    synchronized boolean remove(String user, String etag) {
        return live(user).remove(etag) != null;
    }

    /** The document {@code user} shows by publication, when a live one exists. */
    synchronized Optional<String> current(String user) {
        return live(user).values().stream().max(Comparator.comparing(Publication::modifiedAt))
                .map(Publication::document);
    }

    /** The live publications of {@code user}, the expired ones dropped; empty maps are not kept. */
    private Map<String, Publication> live(String user) {
        Instant now = clock.instant();
        Map<String, Publication> mine = byUser.computeIfAbsent(user, u -> new HashMap<>());
        mine.values().removeIf(p -> !p.expiresAt().isAfter(now));
        return mine;
    }

    /** Drops every expired publication (a periodic sweep: memory is not kept for users nobody asks about). */
    synchronized void purgeExpired() {
        byUser.keySet().removeIf(user -> live(user).isEmpty());
    }

    private String newEtag() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
