package org.liaison.sip.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.liaison.im.redis.EmptyQueues;

/** The node's note of users with nothing waiting: what may skip the store's EXISTS, and what must not. */
class KnownEmptyQueuesTest {

    @Test
    void nothingIsNotedBeforeTheSubscriptionIsConfirmed() {
        KnownEmptyQueues known = new KnownEmptyQueues();
        known.empty("bob", known.mark("bob"));
        assertFalse(known.knownEmpty("bob"), "a store's message could be missed");
    }

    @Test
    void aUserReadEmptyIsKnownEmptyUntilAStoreForHimIsHeard() {
        KnownEmptyQueues known = subscribed();
        known.empty("bob", known.mark("bob"));
        assertTrue(known.knownEmpty("bob"));
        assertFalse(known.knownEmpty("carol"), "never read");

        known.message(EmptyQueues.FILLED_CHANNEL, "bob".getBytes(StandardCharsets.UTF_8));
        assertFalse(known.knownEmpty("bob"));
    }

    /** The check/publish race: EXISTS answered "empty", a store's message came, then the check notes its answer. */
    @Test
    void aStoreHeardWhileRedisWasReadWins() {
        KnownEmptyQueues known = subscribed();
        long readStarted = known.mark("bob");
        known.message(EmptyQueues.FILLED_CHANNEL, "bob".getBytes(StandardCharsets.UTF_8));
        known.empty("bob", readStarted);
        assertFalse(known.knownEmpty("bob"));
    }

    @Test
    void thisNodesOwnStoreWhileRedisWasReadWinsToo() {
        KnownEmptyQueues known = subscribed();
        long readStarted = known.mark("bob");
        known.filled("bob");
        known.empty("bob", readStarted);
        assertFalse(known.knownEmpty("bob"));
    }

    @Test
    void aLostSubscriptionForgetsEverythingAndNotesNothingUntilConfirmedAgain() {
        KnownEmptyQueues known = subscribed();
        known.empty("bob", known.mark("bob"));
        long readStarted = known.mark("carol");

        known.onRedisDisconnected(null);
        assertFalse(known.knownEmpty("bob"), "messages may be lost while disconnected: ask Redis");
        known.empty("carol", known.mark("carol"));
        assertFalse(known.knownEmpty("carol"), "nothing is noted while the channel cannot be heard");

        known.subscribed(EmptyQueues.FILLED_CHANNEL, 1);
        known.empty("carol", readStarted);
        assertFalse(known.knownEmpty("carol"), "read before the drop: a message may have been lost meanwhile");
        assertFalse(known.knownEmpty("bob"));
    }

    @Test
    void theNoteHoldsAtMostItsBound() {
        KnownEmptyQueues known = subscribed();
        for (int i = 0; i <= KnownEmptyQueues.MAX_USERS; i++) {
            String user = "user" + i;
            known.empty(user, known.mark(user));
        }
        assertEquals(KnownEmptyQueues.MAX_USERS, known.size());
        assertTrue(known.knownEmpty("user" + KnownEmptyQueues.MAX_USERS), "the latest is kept");
    }

    private static KnownEmptyQueues subscribed() {
        KnownEmptyQueues known = new KnownEmptyQueues();
        known.subscribed(EmptyQueues.FILLED_CHANNEL, 1);
        return known;
    }
}
