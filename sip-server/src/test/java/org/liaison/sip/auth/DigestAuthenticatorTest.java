package org.liaison.sip.auth;

import org.liaison.im.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.auth.InMemoryAccountDirectory.REALM;
import static org.liaison.sip.auth.InMemoryAccountDirectory.account;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.sip.config.AuthSettings;

/** Challenges answered the way a phone answers them, and what the authenticator makes of the answers. */
class DigestAuthenticatorTest {
    private static final Origin PHONE = new Origin(InetAddress.getLoopbackAddress(), Set.of("flow:UDP:5060"));
    private static final Duration LIFETIME = Duration.ofSeconds(300);
    private static final Duration BLOCK = Duration.ofSeconds(300);
    private static final List<DigestAlgorithm> SHA_256_FIRST = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    private static final Account ALICE = account("alice", "correct horse");
    /** Provisioned before SHA-256 existed: an MD5 HA1 only. */
    private static final Account OLD_TIMER = new Account("oldtimer", "", Optional.empty(), Set.of(), new Credentials(
            Map.of(DigestAlgorithm.MD5, DigestAlgorithm.MD5.ha1("oldtimer", REALM, "battery staple"))));

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-06T09:00:00Z"));
    private final InMemoryAccountDirectory directory = new InMemoryAccountDirectory(List.of(ALICE, OLD_TIMER));
    private final AtomicInteger digestsComputed = new AtomicInteger();
    private final RequestDigest countingDigest = (algorithm, ha1, method, credentials) -> {
        digestsComputed.incrementAndGet();
        return RequestDigest.RFC_7616.compute(algorithm, ha1, method, credentials);
    };
    private final DigestAuthenticator authenticator = authenticator(SHA_256_FIRST);
    private final DigestClient phone = new DigestClient();
    private final BlockLog log = new BlockLog();

    private DigestAuthenticator authenticator(List<DigestAlgorithm> algorithms) {
        AuthSettings settings = new AuthSettings(REALM, algorithms, LIFETIME, 3, 20, Duration.ofSeconds(60), BLOCK, 10,
                10);
        return new DigestAuthenticator(settings, directory, clock, countingDigest, new NonceCounts(1000));
    }

    @AfterEach
    void detachLog() {
        log.close();
    }

    private String challenge(DigestAlgorithm algorithm) {
        return authenticator.challenges(false).get(SHA_256_FIRST.indexOf(algorithm));
    }

    private AuthResult register(DigestResponse credentials) {
        return authenticator.verify("REGISTER", credentials, PHONE);
    }

    private AuthResult register(String user, String password) {
        return register(phone.answer(challenge(DigestAlgorithm.SHA_256), user, password, "REGISTER", 1));
    }

    private static String nonceOf(String challenge) {
        Matcher m = Pattern.compile("nonce=\"([^\"]+)\"").matcher(challenge);
        assertTrue(m.find(), challenge);
        return m.group(1);
    }

    @Test
    void offersOneChallengePerAlgorithmInConfiguredOrderSharingOneNonce() {
        List<String> challenges = authenticator.challenges(false);

        String nonce = nonceOf(challenges.get(0));
        String opaque = challenges.get(0).replaceAll(".*opaque=\"([^\"]+)\".*", "$1");
        assertEquals(List.of(
                "Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\", opaque=\"" + opaque
                        + "\", algorithm=SHA-256, qop=\"auth\"",
                "Digest realm=\"" + REALM + "\", nonce=\"" + nonce + "\", opaque=\"" + opaque
                        + "\", algorithm=MD5, qop=\"auth\""),
                challenges);
    }

    @Test
    void followsTheConfiguredPreferenceWhenMd5ComesFirst() {
        List<String> challenges = authenticator(List.of(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256))
                .challenges(false);
        assertTrue(challenges.get(0).contains("algorithm=MD5"), challenges.get(0));
        assertTrue(challenges.get(1).contains("algorithm=SHA-256"), challenges.get(1));
    }

    @Test
    void aStaleChallengeSaysSo() {
        authenticator.challenges(true).forEach(c -> assertTrue(c.endsWith(", stale=TRUE"), c));
    }

    @Test
    void theRightPasswordWithSha256Authenticates() {
        assertEquals(new AuthResult.Authenticated(ALICE), register("alice", "correct horse"));
    }

    @Test
    void theRightPasswordWithMd5Authenticates() {
        DigestResponse answer = phone.answer(challenge(DigestAlgorithm.MD5), "alice", "correct horse", "INVITE", 1);
        assertEquals(new AuthResult.Authenticated(ALICE), authenticator.verify("INVITE", answer, PHONE));
    }

    @Test
    void theDigestCoversTheMethod() {
        DigestResponse signedForInvite = phone.answer(challenge(DigestAlgorithm.SHA_256), "alice", "correct horse",
                "INVITE", 1);
        assertInstanceOf(AuthResult.Rejected.class, register(signedForInvite));
    }

    @Test
    void aWrongPasswordIsRejected() {
        assertInstanceOf(AuthResult.Rejected.class, register("alice", "Tr0ub4dor"));
    }

    @Test
    void anUnknownUserIsRejectedExactlyLikeAWrongPasswordAfterTheSameWork() {
        AuthResult wrongPassword = register("alice", "Tr0ub4dor");
        int workForWrongPassword = digestsComputed.getAndSet(0);
        AuthResult unknownUser = register("mallory", "Tr0ub4dor");

        assertEquals(wrongPassword, unknownUser);
        assertEquals(1, workForWrongPassword);
        assertEquals(workForWrongPassword, digestsComputed.get(), "a digest against a stand-in HA1");
    }

    @Test
    void anAccountWithoutAnHa1ForTheAlgorithmIsRejectedAfterTheSameWork() {
        assertInstanceOf(AuthResult.Rejected.class, register("oldtimer", "battery staple"));
        assertEquals(1, digestsComputed.get());
        DigestResponse md5 = phone.answer(challenge(DigestAlgorithm.MD5), "oldtimer", "battery staple", "REGISTER", 1);
        assertInstanceOf(AuthResult.Authenticated.class, register(md5));
    }

    @Test
    void increasingNonceCountsReuseOneNonce() {
        String challenge = challenge(DigestAlgorithm.SHA_256);
        for (int nc = 1; nc <= 3; nc++) {
            DigestResponse answer = phone.answer(challenge, "alice", "correct horse", "REGISTER", nc);
            assertInstanceOf(AuthResult.Authenticated.class, register(answer), "nc=" + nc);
        }
    }

    @Test
    void aReplayedRequestIsStaleNotAFailure() {
        DigestResponse answer = phone.answer(challenge(DigestAlgorithm.SHA_256), "alice", "correct horse", "REGISTER",
                1);
        assertInstanceOf(AuthResult.Authenticated.class, register(answer));
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(AuthResult.Stale.class, register(answer), "replay " + i);
        }
    }

    /**
     * Two nodes of a cluster, sharing only the guessing defence's counts: each signs and counts its own nonces, so a
     * request one accepted is stale on the other (no replay through another node), never a failure, and the phone's
     * retry with the other node's nonce authenticates.
     */
    @Test
    void aClusterNodeAnswersAnotherNodesNonceStaleAndItsOwnAuthenticates() {
        AuthSettings settings = new AuthSettings(REALM, SHA_256_FIRST, LIFETIME, 3, 20, Duration.ofSeconds(60), BLOCK,
                10, 10);
        MemoryAuthFailures sharedFailures = new MemoryAuthFailures(settings);
        DigestAuthenticator nodeA = new DigestAuthenticator(settings, directory, clock, sharedFailures);
        DigestAuthenticator nodeB = new DigestAuthenticator(settings, directory, clock, sharedFailures);
        DigestResponse acceptedByA = phone.answer(nodeA.challenges(false).get(0), "alice", "correct horse",
                "REGISTER", 1);
        assertInstanceOf(AuthResult.Authenticated.class, nodeA.verify("REGISTER", acceptedByA, PHONE));

        for (int i = 0; i < 5; i++) {
            assertInstanceOf(AuthResult.Stale.class, nodeB.verify("REGISTER", acceptedByA, PHONE), "replay " + i);
        }
        DigestResponse retry = phone.answer(nodeB.challenges(true).get(0), "alice", "correct horse", "REGISTER", 1);
        assertEquals(new AuthResult.Authenticated(ALICE), nodeB.verify("REGISTER", retry, PHONE));
        assertEquals(0, nodeB.counters().failures(), "a stale answer is not a failure");
    }

    @Test
    void aNonceCountGoingBackwardsIsStale() {
        String challenge = challenge(DigestAlgorithm.SHA_256);
        register(phone.answer(challenge, "alice", "correct horse", "REGISTER", 5));
        assertInstanceOf(AuthResult.Stale.class, register(phone.answer(challenge, "alice", "correct horse",
                "REGISTER", 4)));
    }

    @Test
    void anExpiredNonceWithTheRightPasswordIsStale() {
        String challenge = challenge(DigestAlgorithm.SHA_256);
        clock.advance(LIFETIME.plusSeconds(1));
        assertInstanceOf(AuthResult.Stale.class, register(phone.answer(challenge, "alice", "correct horse",
                "REGISTER", 1)));
    }

    @Test
    void anExpiredNonceWithAWrongPasswordIsRejected() {
        // RFC 2617 §3.2.1: stale=TRUE means the password was right, so a wrong one must not earn it
        String challenge = challenge(DigestAlgorithm.SHA_256);
        clock.advance(LIFETIME.plusSeconds(1));
        assertInstanceOf(AuthResult.Rejected.class, register(phone.answer(challenge, "alice", "Tr0ub4dor",
                "REGISTER", 1)));
    }

    @Test
    void aNonceFromBeforeARestartWithTheRightPasswordIsStale() {
        String oldChallenge = authenticator(SHA_256_FIRST).challenges(false).get(0);
        assertInstanceOf(AuthResult.Stale.class, register(phone.answer(oldChallenge, "alice", "correct horse",
                "REGISTER", 1)));
    }

    @Test
    void aForgedNonceWithAWrongPasswordIsRejected() {
        String forged = challenge(DigestAlgorithm.SHA_256).replaceAll("nonce=\"[^\"]+\"", "nonce=\"forged\"");
        assertInstanceOf(AuthResult.Rejected.class, register(phone.answer(forged, "alice", "Tr0ub4dor", "REGISTER",
                1)));
    }

    @Test
    void anotherRealmIsRejected() {
        String elsewhere = challenge(DigestAlgorithm.SHA_256).replace(REALM, "other.example.org");
        assertInstanceOf(AuthResult.Rejected.class, register(phone.answer(elsewhere, "alice", "correct horse",
                "REGISTER", 1)));
    }

    @Test
    void anAlgorithmWeDidNotOfferIsRejected() {
        DigestAuthenticator shaOnly = authenticator(List.of(DigestAlgorithm.SHA_256));
        String md5 = shaOnly.challenges(false).get(0).replace("SHA-256", "MD5");
        DigestResponse answer = phone.answer(md5, "alice", "correct horse", "REGISTER", 1);
        assertInstanceOf(AuthResult.Rejected.class, shaOnly.verify("REGISTER", answer, PHONE));
    }

    @Test
    void anRfc2069AnswerWithoutQopIsRejected() {
        // Without qop there is no nonce-count, hence no replay protection.
        String nonce = nonceOf(challenge(DigestAlgorithm.MD5));
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String response = md5.hash(ALICE.credentials().ha1(md5).orElseThrow() + ":" + nonce + ":"
                + md5.hash("REGISTER:" + DigestClient.URI));
        DigestResponse answer = phone.credentials("Digest username=\"alice\", realm=\"" + REALM + "\", nonce=\""
                + nonce + "\", uri=\"" + DigestClient.URI + "\", response=\"" + response + "\"");
        assertInstanceOf(AuthResult.Rejected.class, register(answer));
    }

    @Test
    void aMalformedNonceCountIsRejected() {
        DigestResponse answer = phone.answer(challenge(DigestAlgorithm.SHA_256), "alice", "correct horse", "REGISTER",
                0);
        assertInstanceOf(AuthResult.Rejected.class, register(answer), "nc=00000000: counting starts at 1");
    }

    @Test
    void aSourceIsBlockedAtTheThresholdEvenWithTheRightPasswordUntilTheBlockEnds() {
        for (int i = 0; i < 3; i++) {
            assertInstanceOf(AuthResult.Rejected.class, register("alice", "guess" + i));
        }
        digestsComputed.set(0);

        assertInstanceOf(AuthResult.Blocked.class, register("alice", "correct horse"));
        assertInstanceOf(AuthResult.Blocked.class, register("bob", "guess"));
        assertEquals(0, digestsComputed.get(), "no password is checked while blocked");

        clock.advance(BLOCK);
        assertInstanceOf(AuthResult.Authenticated.class, register("alice", "correct horse"));
        assertEquals(List.of("auth-block source=127.0.0.1 user=alice failures=3 seconds=300 "
                + "reason=too-many-failures"), log.warnings());
    }

    /** Issue 11: each username fails from a source of its own; whatever rule stops one stops the other alike. */
    @Test
    void anUnknownUsernameIsRefusedAfterExactlyAsManyFailuresAsAKnownOne() throws Exception {
        List<String> known = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Origin first = new Origin(InetAddress.getLoopbackAddress(), Set.of("flow:UDP:5060"));
        Origin second = new Origin(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), Set.of("flow:UDP:5060"));
        for (int i = 0; i < 5; i++) {
            known.add(verify(first, "alice", "guess" + i).getClass().getSimpleName());
            unknown.add(verify(second, "nobody", "guess" + i).getClass().getSimpleName());
        }
        assertEquals(List.of("Rejected", "Rejected", "Rejected", "Blocked", "Blocked"), known);
        assertEquals(known, unknown);
    }

    private AuthResult verify(Origin origin, String user, String password) {
        return authenticator.verify("REGISTER",
                phone.answer(challenge(DigestAlgorithm.SHA_256), user, password, "REGISTER", 1), origin);
    }

    @Test
    void staleAnswersAreNotFailures() {
        DigestResponse answer = phone.answer(challenge(DigestAlgorithm.SHA_256), "alice", "correct horse", "REGISTER",
                1);
        clock.advance(LIFETIME.plusSeconds(1));
        for (int i = 0; i < 10; i++) {
            assertInstanceOf(AuthResult.Stale.class, register(answer));
        }
        assertTrue(log.warnings().isEmpty(), log.warnings().toString());
    }
}
