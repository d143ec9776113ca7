package org.liaison.provisioning.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NonceCountsTest {
    private static final long LIFETIME = 300;
    private static final long NOW = 1_000_000;

    @Test
    void eachCountIsAcceptedOnceAndOnlyUpwards() {
        NonceCounts counts = new NonceCounts(LIFETIME);
        assertTrue(counts.advance("n", NOW, 1, NOW));
        assertFalse(counts.advance("n", NOW, 1, NOW), "the same count again is a replay");
        assertTrue(counts.advance("n", NOW, 3, NOW));
        assertFalse(counts.advance("n", NOW, 2, NOW), "a lower count is a replay");
    }

    @Test
    void aFullTableForgetsItsOldestNonceWithoutLettingItBeReplayed() {
        NonceCounts counts = new NonceCounts(LIFETIME);
        assertTrue(counts.advance("first", NOW, 1, NOW));
        for (int i = 0; i < NonceCounts.MAX_NONCES; i++) {
            assertTrue(counts.advance("n" + i, NOW + 1, 1, NOW + 1));
        }
        assertFalse(counts.advance("first", NOW, 1, NOW + 1), "forgotten, yet not replayable");
        assertTrue(counts.advance("fresh", NOW + 2, 1, NOW + 2), "a nonce issued later is unaffected");
    }
}
