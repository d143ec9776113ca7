package org.liaison.sip.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FailureCountsTest {
    private final FailureCounts<String> counts = new FailureCounts<>(3, 60, 2);

    @Test
    void reachesTheThresholdOnlyWithinTheWindow() {
        assertFalse(counts.recordAndCheck("a", 0));
        assertFalse(counts.recordAndCheck("a", 30));
        assertTrue(counts.recordAndCheck("a", 59));
        counts.clear("a");
        assertFalse(counts.recordAndCheck("a", 60));
    }

    @Test
    void whenFullTheKeyThatFailedLongestAgoIsForgotten() {
        counts.recordAndCheck("quiet", 0);
        counts.recordAndCheck("quiet", 1);
        counts.recordAndCheck("busy", 2);
        counts.recordAndCheck("busy", 3);
        counts.recordAndCheck("newcomer", 4); // a table of 2: "quiet" goes
        assertTrue(counts.recordAndCheck("busy", 5), "busy kept its two failures");
        assertFalse(counts.recordAndCheck("quiet", 6), "quiet starts again from one");
    }
}
