package org.liaison.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The replay table's bound and its rule for nonces it no longer holds. */
class NonceCountsTest {
    private static final long EXPIRED_BEFORE = 0;

    @Test
    void neverHoldsMoreThanItsCapacity() {
        NonceCounts counts = new NonceCounts(2);
        for (int i = 1; i <= 5; i++) {
            assertTrue(counts.advance("n" + i, 1000 + i, 1, EXPIRED_BEFORE));
        }
        assertEquals(2, counts.size());
    }

    @Test
    void aDroppedNonceCannotBeReplayed() {
        NonceCounts counts = new NonceCounts(1);
        assertTrue(counts.advance("first", 1000, 1, EXPIRED_BEFORE));
        assertTrue(counts.advance("second", 2000, 1, EXPIRED_BEFORE)); // drops "first"
        assertFalse(counts.advance("first", 1000, 1, EXPIRED_BEFORE), "replay of a dropped nonce");
        assertFalse(counts.advance("first", 1000, 2, EXPIRED_BEFORE), "even with a higher count");
    }

    @Test
    void aNonceIssuedNoLaterThanADroppedOneIsRefusedOnFirstUse() {
        NonceCounts counts = new NonceCounts(1);
        counts.advance("first", 1000, 1, EXPIRED_BEFORE);
        counts.advance("second", 2000, 1, EXPIRED_BEFORE);
        assertFalse(counts.advance("issued-with-first", 1000, 1, EXPIRED_BEFORE));
        assertTrue(counts.advance("issued-later", 1001, 1, EXPIRED_BEFORE));
    }

    @Test
    void expiredNoncesMakeRoomBeforeFreshOnes() {
        NonceCounts counts = new NonceCounts(10);
        counts.advance("old", 1000, 1, EXPIRED_BEFORE);
        counts.advance("fresh", 5000, 1, EXPIRED_BEFORE);
        counts.advance("new", 6000, 1, 2000); // everything issued before 2000 has expired
        assertEquals(2, counts.size());
        assertFalse(counts.advance("fresh", 5000, 1, 2000), "fresh is still remembered");
    }
}
