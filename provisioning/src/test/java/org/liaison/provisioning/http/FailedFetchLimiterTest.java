package org.liaison.provisioning.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailedFetchLimiterTest {
    private static final int PER_SOURCE = 20;
    private static final int PER_PAIR = 10;
    private static final int PER_USER = 30;
    private final FailedFetchLimiter limiter = new FailedFetchLimiter(PER_SOURCE, PER_PAIR, PER_USER,
            Duration.ofMinutes(1), Duration.ofMinutes(5), Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"),
                    ZoneOffset.UTC));

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void anIpv6HostCannotWalkAroundTheLimitWithTheAddressesOfItsSlash64() throws Exception {
        for (int i = 1; i <= PER_SOURCE; i++) {
            limiter.recordFailure(ip("2001:db8:1:2::" + Integer.toHexString(i)));
        }
        assertTrue(limiter.isBlocked(ip("2001:db8:1:2:dead:beef:0:1")), "a fresh address in the same /64");
        assertFalse(limiter.isBlocked(ip("2001:db8:1:3::1")), "the next /64 is someone else");
        assertEquals("2001:0db8:0001:0002::/64", FailedFetchLimiter.key(ip("2001:db8:1:2::7")));
    }

    @Test
    void guessesForOneUserFromManySourcesTarpitTheUserButNotTheSourcesItsPhonesSignedInFrom() throws Exception {
        InetAddress phone = ip("192.0.2.10");
        limiter.recordSuccess(phone, "alice");
        for (int i = 1; i <= PER_USER; i++) {
            InetAddress attacker = ip("198.51.100." + i);
            assertFalse(limiter.isBlocked(attacker, "alice"), "guess " + i + " is still checked");
            limiter.recordPasswordFailure(attacker, "alice");
        }
        assertTrue(limiter.isBlocked(ip("203.0.113.9"), "Alice"), "a new source guessing alice is refused");
        assertFalse(limiter.isBlocked(phone, "alice"), "alice's own phone is not locked out");
        assertFalse(limiter.isBlocked(ip("203.0.113.9"), "bob"), "other users are not affected");
        assertFalse(limiter.isBlocked(ip("198.51.100.1")), "one wrong password per source blocks no source");
    }

    @Test
    void wrongPasswordsForOneUserBlockThatPairNotTheSource() throws Exception {
        InetAddress office = ip("192.0.2.20");
        for (int i = 0; i < PER_SOURCE + 5; i++) {
            limiter.recordPasswordFailure(office, "bob");
        }
        assertTrue(limiter.isBlocked(office, "bob"));
        assertFalse(limiter.isBlocked(office), "a phone with an old password does not block its office's NAT");
        assertFalse(limiter.isBlocked(office, "carol"));
    }
}
