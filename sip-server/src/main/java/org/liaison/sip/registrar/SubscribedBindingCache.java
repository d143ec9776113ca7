package org.liaison.sip.registrar;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;
import org.liaison.sip.cluster.SubscribedCopy;

/**
 * This node's copy of the binding lists it has read from Redis or written there, kept right by the channel on which
 * every node publishes the AoR it changed (as Flexisip's registrar does): another node's message drops that AoR, and
 * the next lookup reads it again.
 *
 * <p>The copy is only trusted while the subscription is live. When the pub/sub connection drops,
 * messages published meanwhile are lost, so everything is dropped and nothing is cached until
 * Redis confirms the subscription again (lettuce resubscribes after reconnecting): correctness
 * over speed.
 *
 * <p>A lookup that read Redis just before another node's change, and stores its result just after
 * that change's message, would cache a stale list. So every drop bumps the AoR's {@link #mark} (one of
 * {@value #STRIPES} counters, shared by the AoRs hashing to it), and {@link #put} takes back what it stored if the
 * mark moved since the read began.
 *
 * <p>This node's own writes are cached as written ({@link #wrote}), so a phone's next REGISTER (or a call to it)
 * reads nothing. Their messages come back on the channel too, naming only the AoR (one line of a batch's message), so
 * each write announces the message it expects ({@link #expectOwnMessage}) and that many messages of the AoR are not
 * taken as another node's.
 * Counting is enough because the channel keeps Redis's order: a message consumed in place of the own one can only
 * be of a change Redis ran before this node's (whose compare-and-set then saw it), and the own message it leaves
 * over drops the entry, which errs on the safe side. Messages are lost only with the connection, which clears
 * the counts with everything else.
 */
final class SubscribedBindingCache extends SubscribedCopy {
    private static final int STRIPES = 1024;

    /** A binding list as read: the stored record (what a compare-and-set expects to find) and its bindings. */
    record Entry(byte[] record, List<Binding> bindings) {
    }

    private final ConcurrentHashMap<String, Entry> byAor = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> ownMessagesDue = new ConcurrentHashMap<>();
    private final AtomicLongArray marks = new AtomicLongArray(STRIPES);

    /** The cached list of {@code aor}, expired bindings included; empty when not cached. */
    Optional<Entry> get(String aor) {
        return live() ? Optional.ofNullable(byAor.get(aor)) : Optional.empty();
    }

    /** Taken before reading or writing {@code aor} in Redis, handed to {@link #put} or {@link #wrote}. */
    long mark(String aor) {
        return marks.get(stripe(aor));
    }

    /** Caches what was read from Redis after {@code mark}, unless something was dropped since. */
    void put(String aor, Entry read, long mark) {
        if (!live()) {
            return;
        }
        byAor.put(aor, read);
        // a drop between the read and the put above must win
        if (mark(aor) != mark || !live()) {
            byAor.remove(aor, read);
        }
    }

    /** Before this node's compare-and-set of {@code aor}: its message is to come back, not to drop anything. */
    void expectOwnMessage(String aor) {
        ownMessagesDue.merge(aor, 1, Integer::sum);
    }

    /**
     * This node wrote {@code written} for {@code aor}, its compare-and-set having started after {@code mark}. Cached
     * when nothing else touched the AoR's stripe since; lookups reading Redis meanwhile have their result refused.
     */
    void wrote(String aor, Entry written, long mark) {
        long now = marks.incrementAndGet(stripe(aor));
        if (!live() || now != mark + 1) {
            byAor.remove(aor);
            return;
        }
        byAor.put(aor, written);
        if (mark(aor) != now || !live()) {
            byAor.remove(aor, written);
        }
    }

    /** This node's compare-and-set of {@code aor} wrote nothing, so published nothing: its message is not due. */
    void ownWriteFailed(String aor) {
        if (!consumeOwnMessage(aor)) {
            // another node's message was taken for the one now known never to come: drop as it should have
            drop(aor);
        }
    }

    void drop(String aor) {
        marks.incrementAndGet(stripe(aor));
        byAor.remove(aor);
    }

    /** Drops the lists whose bindings all expired, so the cache holds no more AoRs than Redis does. */
    void dropIf(Predicate<List<Binding>> expired) {
        byAor.values().removeIf(entry -> expired.test(entry.bindings()));
    }

    @Override
    protected void dropAll() {
        for (int i = 0; i < STRIPES; i++) {
            marks.incrementAndGet(i);
        }
        byAor.clear();
        ownMessagesDue.clear();
    }

    private boolean consumeOwnMessage(String aor) {
        boolean[] consumed = {false};
        ownMessagesDue.computeIfPresent(aor, (key, due) -> {
            consumed[0] = true;
            return due > 1 ? due - 1 : null;
        });
        return consumed[0];
    }

    private static int stripe(String aor) {
        return Math.floorMod(aor.hashCode(), STRIPES);
    }

    /** A message names the AoRs one batch of writes changed, one per line. */
    @Override
    public void message(String channel, byte[] message) {
        for (String aor : new String(message, StandardCharsets.UTF_8).split("\n")) {
            if (!consumeOwnMessage(aor)) {
                drop(aor);
            }
        }
    }
}
