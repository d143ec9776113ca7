package org.liaison.sip.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import org.liaison.im.redis.EmptyQueues;

/**
 * This node's note of the users with no stored message waiting, so that the check after each REGISTER costs no
 * round trip to Redis for them (issue 10: a known phone's REGISTER then costs the nonce-count write and the bindings
 * script). Every script that adds to a queue publishes its recipient on {@value EmptyQueues#FILLED_CHANNEL}; the
 * node drops that user, and the next check asks Redis again.
 *
 * <p>Only trusted while the subscription is live ({@link SubscribedCopy}): a message published while it is down is
 * lost, so everything is dropped and nothing is noted until Redis confirms the subscription again. A check that read
 * "empty" just before a store, and notes it just after the store's message, would keep a wrong "empty": every drop
 * moves the user's mark (one of {@value #STRIPES} counters, shared by the users hashing to it), and {@link #empty}
 * takes back what it noted if the mark moved since the read began.
 */
public final class KnownEmptyQueues extends SubscribedCopy implements EmptyQueues {
    private static final int STRIPES = 1024;
    /** Bounds memory (about 100 bytes a user): beyond it, one user is forgotten for each one noted. */
    static final int MAX_USERS = 100_000;

    private final Set<String> empty = ConcurrentHashMap.newKeySet();
    private final AtomicLongArray marks = new AtomicLongArray(STRIPES);

    KnownEmptyQueues() {
    }

    /** A note subscribed to the store's channel (the subscription is closed with {@code redis}'s client). */
    public static KnownEmptyQueues subscribed(ClusterRedis redis) {
        KnownEmptyQueues known = new KnownEmptyQueues();
        redis.subscribe(known, EmptyQueues.FILLED_CHANNEL);
        return known;
    }

    @Override
    public boolean knownEmpty(String recipient) {
        return live() && empty.contains(recipient);
    }

    @Override
    public long mark(String recipient) {
        return marks.get(stripe(recipient));
    }

    @Override
    public void empty(String recipient, long mark) {
        if (!live()) {
            return;
        }
        if (empty.size() >= MAX_USERS) {
            forgetOne();
        }
        empty.add(recipient);
        // a drop between the read and the note above must win
        if (mark(recipient) != mark || !live()) {
            empty.remove(recipient);
        }
    }

    @Override
    public void filled(String recipient) {
        marks.incrementAndGet(stripe(recipient));
        empty.remove(recipient);
    }

    /** How many users are noted (for tests of the bound). */
    int size() {
        return empty.size();
    }

    private void forgetOne() {
        Iterator<String> any = empty.iterator();
        if (any.hasNext()) {
            any.next();
            any.remove();
        }
    }

    @Override
    protected void dropAll() {
        for (int i = 0; i < STRIPES; i++) {
            marks.incrementAndGet(i);
        }
        empty.clear();
    }

    @Override
    public void message(String channel, byte[] recipient) {
        filled(new String(recipient, StandardCharsets.UTF_8));
    }

    private static int stripe(String recipient) {
        return Math.floorMod(recipient.hashCode(), STRIPES);
    }
}
