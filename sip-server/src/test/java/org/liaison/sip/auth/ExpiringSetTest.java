package org.liaison.sip.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExpiringSetTest {
    private final ExpiringSet<String> set = new ExpiringSet<>(100, 2);

    @Test
    void aKeyIsContainedUntilItsLifetimeEnds() {
        set.add("a", 0);
        assertTrue(set.contains("a", 99));
        assertFalse(set.contains("a", 100));
    }

    @Test
    void whenFullTheExpiredKeysGoFirst() {
        set.add("expired", 0);
        set.add("live", 50);
        set.add("new", 120);
        assertTrue(set.contains("live", 120));
        assertTrue(set.contains("new", 120));
    }

    @Test
    void whenFullOfLiveKeysTheOneClosestToExpiryGoes() {
        set.add("a", 0);
        set.add("b", 10);
        set.add("a", 20); // re-added: now the youngest
        set.add("c", 30);
        assertTrue(set.contains("a", 30));
        assertFalse(set.contains("b", 30));
        assertTrue(set.contains("c", 30));
    }
}
