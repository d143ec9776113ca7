package org.liaison.sip.auth;

import org.liaison.sip.testing.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.liaison.provisioning.DigestAlgorithm;

class AuthFailureLimiterTest {
    private static final InetAddress ATTACKER = address("198.51.100.7");
    private static final InetAddress OFFICE = address("192.0.2.10");
    private static final InetAddress ELSEWHERE = address("203.0.113.5");
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final Duration BLOCK = Duration.ofSeconds(300);

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-06T09:00:00Z"));
    private final AuthFailureLimiter limiter = new AuthFailureLimiter(
            new AuthSettings("example.org", List.of(DigestAlgorithm.MD5), BLOCK, 3, 5, WINDOW, BLOCK), clock);
    private final BlockLog log = new BlockLog();

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no DNS lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    private void fail(InetAddress source, String user, int times) {
        for (int i = 0; i < times; i++) {
            limiter.recordFailure(source, user);
        }
    }

    @AfterEach
    void detachLog() {
        log.close();
    }

    @Test
    void aSourceIsBlockedAtTheThresholdWithOneFail2banLine() {
        fail(ATTACKER, "alice", 2);
        assertFalse(limiter.isBlocked(ATTACKER, "alice"));
        fail(ATTACKER, "alice", 1);

        assertTrue(limiter.isBlocked(ATTACKER, "bob"), "the whole source is blocked");
        assertFalse(limiter.isBlocked(OFFICE, "bob"));
        assertEquals(List.of("auth-block source=198.51.100.7 user=alice failures=3 seconds=300 "
                + "reason=too-many-failures"), log.warnings());
    }

    @Test
    void failuresThatLeftTheWindowDoNotCount() {
        fail(ATTACKER, "alice", 2);
        clock.advance(WINDOW);
        fail(ATTACKER, "alice", 2);
        assertFalse(limiter.isBlocked(ATTACKER, "alice"));
    }

    @Test
    void aBlockEndsAfterTheBlockDurationAndCountingStartsAgain() {
        fail(ATTACKER, "alice", 3);
        clock.advance(BLOCK.minusSeconds(1));
        assertTrue(limiter.isBlocked(ATTACKER, "alice"));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(limiter.isBlocked(ATTACKER, "alice"));

        fail(ATTACKER, "alice", 2);
        assertFalse(limiter.isBlocked(ATTACKER, "alice"), "the failures before the block are forgotten");
    }

    @Test
    void aUsernameFailingFromManySourcesIsBlockedWithItsOwnLine() {
        for (int i = 1; i <= 5; i++) {
            limiter.recordFailure(address("198.51.100." + i), "Alice");
        }
        assertTrue(limiter.isBlocked(ELSEWHERE, "alice"));
        assertFalse(limiter.isBlocked(ELSEWHERE, "bob"));
        assertEquals(List.of("auth-block-user user=Alice failures=5 seconds=300 reason=too-many-failures"),
                log.warnings());
    }

    @Test
    void aBlockedUserStillWorksFromWhereSheRecentlyAuthenticated() {
        limiter.recordSuccess(OFFICE, "alice");
        for (int i = 1; i <= 5; i++) {
            limiter.recordFailure(address("198.51.100." + i), "alice");
        }
        assertTrue(limiter.isBlocked(ELSEWHERE, "alice"));
        assertFalse(limiter.isBlocked(OFFICE, "alice"));
    }

    @Test
    void aSuccessDoesNotResetTheSourcesFailuresForOtherUsers() {
        fail(ATTACKER, "bob", 2);
        limiter.recordSuccess(ATTACKER, "mallory");
        fail(ATTACKER, "carol", 1);
        assertTrue(limiter.isBlocked(ATTACKER, "mallory"));
    }

    @Test
    void anInjectedUsernameCannotForgeAFail2banField() {
        fail(ATTACKER, "x source=192.0.2.10\nauth-block source=192.0.2.10", 3);
        String line = log.warnings().get(0);
        assertTrue(line.startsWith("auth-block source=198.51.100.7 user=x%20source%3D192.0.2.10%0Aauth-block"), line);
        assertFalse(line.contains(" source=192.0.2.10"), line);
    }
}
