package org.liaison.sip.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The node's notes of recent trusts: what may skip the guessing-defence check, and what must not. */
class RecentTrustTest {
    private static final String PAIR = "liaison:auth:trusted:192.0.2.10 alice";
    private static final long NOW = 1_736_154_000_000L;

    @Test
    void nothingIsNotedBeforeTheSubscriptionIsConfirmed() {
        RecentTrust trust = new RecentTrust();
        trust.note(PAIR, "flow:UDP:5060", NOW + 1000, trust.generation(), NOW);
        assertFalse(trust.isRecent(PAIR, "flow:UDP:5060", NOW), "a distrust could be missed");
    }

    @Test
    void aNoteHoldsUntilItsEndForThoseMarksOnly() {
        RecentTrust trust = subscribed();
        trust.note(PAIR, "flow:UDP:5060", NOW + 1000, trust.generation(), NOW);
        assertTrue(trust.isRecent(PAIR, "flow:UDP:5060", NOW + 999));
        assertFalse(trust.isRecent(PAIR, "flow:UDP:5060", NOW + 1000), "no longer recent: ask Redis");
        assertFalse(trust.isRecent(PAIR, "flow:UDP:5062", NOW), "another device of the pair");
    }

    @Test
    void aDistrustHeardWhileRedisWasReadWins() {
        RecentTrust trust = subscribed();
        long readStarted = trust.generation();
        trust.message(RecentTrust.DISTRUST_CHANNEL, PAIR.getBytes(StandardCharsets.UTF_8));
        trust.note(PAIR, "flow:UDP:5060", NOW + 1000, readStarted, NOW);
        assertFalse(trust.isRecent(PAIR, "flow:UDP:5060", NOW));
    }

    @Test
    void aDistrustOrALostConnectionDropsTheNotes() {
        RecentTrust trust = subscribed();
        trust.note(PAIR, "flow:UDP:5060", NOW + 1000, trust.generation(), NOW);
        trust.message(RecentTrust.DISTRUST_CHANNEL, PAIR.getBytes(StandardCharsets.UTF_8));
        assertFalse(trust.isRecent(PAIR, "flow:UDP:5060", NOW));

        trust.note(PAIR, "flow:UDP:5060", NOW + 1000, trust.generation(), NOW);
        trust.onRedisDisconnected(null);
        assertFalse(trust.isRecent(PAIR, "flow:UDP:5060", NOW), "messages may be lost while disconnected");
    }

    private static RecentTrust subscribed() {
        RecentTrust trust = new RecentTrust();
        trust.subscribed(RecentTrust.DISTRUST_CHANNEL, 1);
        return trust;
    }
}
