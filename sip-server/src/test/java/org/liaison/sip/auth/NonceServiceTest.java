package org.liaison.sip.auth;

import org.liaison.im.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class NonceServiceTest {
    private static final Duration LIFETIME = Duration.ofSeconds(300);

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-06T09:00:00Z"));
    private final NonceService nonces = service("example.org");

    private NonceService service(String realm) {
        return new NonceService(realm, LIFETIME, clock, new SecureRandom(), new NonceCounts(100));
    }

    @Test
    void aNonceJustIssuedIsValid() {
        assertEquals(NonceStatus.VALID, nonces.validate(nonces.issue()));
    }

    @Test
    void everyNonceIsDifferentAndFitsInAQuotedString() {
        String first = nonces.issue();
        assertNotEquals(first, nonces.issue());
        assertTrue(first.matches("[A-Za-z0-9_-]+"), first);
    }

    @Test
    void aNonceIsValidUntilTheEndOfItsLifetime() {
        String nonce = nonces.issue();
        clock.advance(LIFETIME);
        assertEquals(NonceStatus.VALID, nonces.validate(nonce));
    }

    @Test
    void aNonceOlderThanItsLifetimeIsStale() {
        String nonce = nonces.issue();
        clock.advance(LIFETIME.plusMillis(1));
        assertEquals(NonceStatus.STALE, nonces.validate(nonce));
    }

    @Test
    void aNonceWithOneBitChangedIsInvalid() {
        byte[] bytes = Base64.getUrlDecoder().decode(nonces.issue());
        bytes[3] ^= 1; // in the timestamp: an attacker trying to extend a nonce's life
        assertEquals(NonceStatus.INVALID,
                nonces.validate(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
    }

    @Test
    void garbageIsInvalid() {
        assertEquals(NonceStatus.INVALID, nonces.validate(""));
        assertEquals(NonceStatus.INVALID, nonces.validate("not base64!"));
        assertEquals(NonceStatus.INVALID, nonces.validate("7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"));
    }

    @Test
    void aNonceFromBeforeARestartIsInvalid() {
        assertEquals(NonceStatus.INVALID, service("example.org").validate(nonces.issue()));
    }

    @Test
    void aNonceIsBoundToItsRealm() {
        NonceService other = service("other.example.org");
        assertEquals(NonceStatus.INVALID, other.validate(nonces.issue()));
    }

    @Test
    void eachNonceCountMustBeAboveTheLastOneAccepted() {
        String nonce = nonces.issue();
        assertTrue(nonces.refuseCount(nonce, 1).isEmpty());
        assertFalse(nonces.refuseCount(nonce, 1).isEmpty(), "replayed");
        assertTrue(nonces.refuseCount(nonce, 3).isEmpty());
        assertFalse(nonces.refuseCount(nonce, 2).isEmpty(), "went backwards");
    }

    @Test
    void countsAreKeptPerNonce() {
        String first = nonces.issue();
        String second = nonces.issue();
        assertTrue(nonces.refuseCount(first, 5).isEmpty());
        assertTrue(nonces.refuseCount(second, 1).isEmpty());
    }

    @Test
    void noCountIsAcceptedForAStaleOrForeignNonce() {
        String nonce = nonces.issue();
        assertFalse(service("example.org").refuseCount(nonce, 1).isEmpty());
        clock.advance(LIFETIME.plusSeconds(1));
        assertFalse(nonces.refuseCount(nonce, 1).isEmpty());
    }
}
