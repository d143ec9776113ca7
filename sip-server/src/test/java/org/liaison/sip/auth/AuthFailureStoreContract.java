package org.liaison.sip.auth;

import org.liaison.im.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.sip.config.AuthSettings;

/**
 * Issue 11: the guessing defence is keyed on what an attacker controls. Thresholds here: 3 failures per (source,
 * username), 4 usernames or 8 failures per source, 5 failures per username. Every {@link AuthFailureStore} passes
 * these, through the {@link AuthFailureLimiter} that decides and logs: the memory one of one machine and the
 * cluster's Redis one alike (issue 10).
 */
public abstract class AuthFailureStoreContract {
    private static final Origin ATTACKER = origin("198.51.100.7", "flow:UDP:40000");
    private static final Origin OFFICE_PHONE = origin("192.0.2.10", "flow:UDP:5060", "instance:<urn:uuid:1>");
    private static final Origin OLD_SOFTPHONE = origin("192.0.2.10", "flow:UDP:5062");
    private static final Origin ELSEWHERE = origin("203.0.113.5", "flow:UDP:5060");
    private static final Duration WINDOW = Duration.ofSeconds(600);
    private static final Duration BLOCK = Duration.ofSeconds(300);

    /** The settings every store under test is built with. */
    protected static final AuthSettings SETTINGS =
            new AuthSettings("example.org", List.of(DigestAlgorithm.MD5), BLOCK, 8, 5, WINDOW, BLOCK, 3, 4);

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-06T09:00:00Z"));
    private AuthFailureLimiter limiter;
    private BlockLog log;

    /** A new, empty store with {@link #SETTINGS}. */
    protected abstract AuthFailureStore newStore(AuthSettings settings) throws Exception;

    @BeforeEach
    public void startEmpty() throws Exception {
        limiter = new AuthFailureLimiter(SETTINGS, clock, newStore(SETTINGS));
        log = new BlockLog();
    }

    private static Origin origin(String address, String... marks) {
        try {
            return new Origin(InetAddress.getByName(address), Set.of(marks)); // a literal: no DNS lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    private void fail(Origin origin, String user, int times) {
        for (int i = 0; i < times; i++) {
            limiter.recordFailure(origin, user);
        }
    }

    private boolean refused(Origin origin, String user) {
        return limiter.refusal(origin, user).isPresent();
    }

    @AfterEach
    public void detachLog() {
        log.close();
    }

    @Test
    public void aGuesserIsBlockedForOneUsernameWithoutBlockingItsNeighboursOrFeedingFail2ban() {
        fail(OLD_SOFTPHONE, "alice", 2);
        assertFalse(refused(OLD_SOFTPHONE, "alice"));
        fail(OLD_SOFTPHONE, "alice", 1);

        assertEquals(Optional.of(BLOCK), limiter.refusal(OLD_SOFTPHONE, "Alice"), "the pair, for the whole block");
        assertFalse(refused(OLD_SOFTPHONE, "bob"), "bob's phone at the same address is not touched");
        assertFalse(refused(ELSEWHERE, "alice"), "alice elsewhere is not touched");
        assertEquals(List.of("auth-block-pair user=alice address=192.0.2.10 failures=3 seconds=300 "
                + "reason=too-many-failures"), log.warnings());
    }

    /** A stale phone hammering its old password must not keep its owner's new phone out at the same office. */
    @Test
    public void otherDevicesOfABlockedPairGetTurnsWhileTheFailingOneWaitsOutTheBlock() {
        fail(OLD_SOFTPHONE, "alice", 3);
        Origin newPhone = origin("192.0.2.10", "flow:UDP:5070", "instance:<urn:uuid:2>");
        assertEquals(Optional.empty(), limiter.refusal(newPhone, "alice"), "the new phone is checked at once");
        assertEquals(Optional.of(BLOCK), limiter.refusal(OLD_SOFTPHONE, "alice"), "the stale phone waits the block");

        // a guesser taking a new port for each guess: one guess per doubling delay
        limiter.recordFailure(origin("192.0.2.10", "flow:UDP:6001"), "alice");
        assertEquals(Optional.of(Duration.ofSeconds(2)), limiter.refusal(origin("192.0.2.10", "flow:UDP:6002"), "alice"));
        clock.advance(Duration.ofSeconds(2));
        limiter.recordFailure(origin("192.0.2.10", "flow:UDP:6002"), "alice");
        assertEquals(Optional.of(Duration.ofSeconds(4)), limiter.refusal(origin("192.0.2.10", "flow:UDP:6003"), "alice"));
        assertEquals(List.of("auth-block-pair user=alice address=192.0.2.10 failures=3 seconds=300 "
                + "reason=too-many-failures", "auth-slow-user user=alice failures=5 seconds=300 "
                + "reason=too-many-failures"), log.warnings(), "the fifth failure slows alice down everywhere");
    }

    @Test
    public void aFailingDeviceIsKnownByItsInstanceBeforeItsFlow() {
        fail(origin("192.0.2.10", "flow:UDP:5076", "instance:<urn:uuid:3>"), "alice", 3);
        assertEquals(Optional.of(BLOCK), limiter.refusal(origin("192.0.2.10", "flow:TCP:61000",
                "instance:<urn:uuid:3>"), "alice"), "the same phone on a new connection");
        assertEquals(Optional.empty(), limiter.refusal(origin("192.0.2.10", "flow:UDP:5076",
                "instance:<urn:uuid:4>"), "alice"), "another phone that got the same port from the NAT");
    }

    @Test
    public void aSourceFailingForManyUsernamesIsBlockedAsAWholeWithOneFail2banLine() {
        for (String user : List.of("admin", "100", "101")) {
            limiter.recordFailure(ATTACKER, user);
        }
        assertFalse(refused(ATTACKER, "alice"));
        limiter.recordFailure(ATTACKER, "102");

        assertTrue(refused(ATTACKER, "alice"), "spraying blocks the whole source");
        assertFalse(refused(ELSEWHERE, "alice"));
        assertEquals(List.of("auth-block source=198.51.100.7 user=102 failures=4 seconds=300 "
                + "reason=too-many-usernames"), log.warnings());
    }

    @Test
    public void aSourceFailingInVolumeIsBlockedAsAWhole() {
        for (String user : List.of("alice", "bob", "carol")) {
            fail(ATTACKER, user, 2);
        }
        fail(ATTACKER, "alice", 1); // alice's pair reaches 3 here: that is a pair block
        fail(ATTACKER, "bob", 1); // and bob's, the 8th failure of the source
        assertTrue(refused(ATTACKER, "dave"));
        assertTrue(log.warnings().contains("auth-block source=198.51.100.7 user=bob failures=8 seconds=300 "
                + "reason=too-many-failures"), log.warnings().toString());
    }

    @Test
    public void failuresThatLeftTheWindowDoNotCount() {
        fail(ATTACKER, "alice", 2);
        clock.advance(WINDOW);
        fail(ATTACKER, "alice", 2);
        assertFalse(refused(ATTACKER, "alice"));
    }

    @Test
    public void aBlockEndsAfterTheBlockDurationAndCountingStartsAgain() {
        fail(ATTACKER, "alice", 3);
        clock.advance(BLOCK.minusSeconds(1));
        assertEquals(Optional.of(Duration.ofSeconds(1)), limiter.refusal(ATTACKER, "alice"));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(refused(ATTACKER, "alice"));

        fail(ATTACKER, "alice", 1);
        assertFalse(refused(ATTACKER, "alice"), "the failures before the block are forgotten");
    }

    @Test
    public void aUsernameFailingFromManySourcesIsSlowedDownNotLockedOut() {
        for (int i = 1; i <= 5; i++) {
            limiter.recordFailure(origin("198.51.100." + i, "flow:UDP:5060"), "Alice");
        }
        assertEquals(Optional.of(Duration.ofSeconds(1)), limiter.refusal(ELSEWHERE, "alice"));
        assertFalse(refused(ELSEWHERE, "bob"));
        assertEquals(List.of("auth-slow-user user=Alice failures=5 seconds=300 reason=too-many-failures"),
                log.warnings());

        clock.advance(Duration.ofSeconds(1));
        assertFalse(refused(ELSEWHERE, "alice"), "one password is checked per delay");
        limiter.recordFailure(ELSEWHERE, "alice");
        assertEquals(Optional.of(Duration.ofSeconds(2)), limiter.refusal(ATTACKER, "alice"), "the delay doubles");
        for (int i = 0; i < 10; i++) {
            limiter.recordFailure(ELSEWHERE, "alice");
        }
        assertEquals(Optional.of(Duration.ofMillis(AuthFailureStore.MAX_DELAY_MILLIS)), limiter.refusal(ATTACKER, "alice"),
                "up to a bound: the owner's new phone still gets its turn");

        clock.advance(BLOCK);
        assertFalse(refused(ATTACKER, "alice"), "a block-duration without failures ends the slowdown");
    }

    @Test
    public void aDeviceThatAuthenticatedKeepsWorkingWhileItsAddressIsBlocked() {
        limiter.recordSuccess(OFFICE_PHONE, "alice");
        fail(OLD_SOFTPHONE, "alice", 3);
        for (int i = 1; i <= 5; i++) {
            limiter.recordFailure(origin("198.51.100." + i, "flow:UDP:5060"), "alice");
        }
        fail(OLD_SOFTPHONE, "bob", 1);
        fail(OLD_SOFTPHONE, "carol", 1);
        fail(OLD_SOFTPHONE, "dave", 1); // 4 usernames: the office address itself is blocked

        assertTrue(refused(OLD_SOFTPHONE, "alice"));
        assertTrue(refused(origin("192.0.2.10", "flow:UDP:5064"), "erin"));
        assertFalse(refused(OFFICE_PHONE, "alice"), "the phone that authenticated is not refused");
        assertFalse(refused(origin("192.0.2.10", "flow:TCP:61000", "instance:<urn:uuid:1>"), "alice"),
                "recognised by its instance on a new connection");
        assertTrue(refused(origin("203.0.113.9", "instance:<urn:uuid:1>"), "alice"), "only at the same address");
    }

    @Test
    public void aMarkThatFailsIsNoLongerTrusted() {
        limiter.recordSuccess(OFFICE_PHONE, "alice");
        fail(OLD_SOFTPHONE, "alice", 3);
        Origin impostor = origin("192.0.2.10", "flow:UDP:5066", "instance:<urn:uuid:1>");
        assertFalse(refused(impostor, "alice"), "the instance alone is trusted");

        limiter.recordFailure(impostor, "alice");
        assertTrue(refused(impostor, "alice"), "one guess with a borrowed instance, no more");
        assertFalse(refused(OFFICE_PHONE, "alice"), "the phone itself is still known by its flow");
    }

    @Test
    public void anIpv6SlashSixtyFourCountsAsOneSource() {
        for (int i = 1; i <= 3; i++) {
            limiter.recordFailure(origin("2001:db8:1:2::" + i, "flow:UDP:5060"), "alice");
        }
        assertTrue(refused(origin("2001:db8:1:2:ffff::9", "flow:UDP:5060"), "alice"));
        assertFalse(refused(origin("2001:db8:1:3::1", "flow:UDP:5060"), "alice"));
    }

    @Test
    public void anInjectedUsernameCannotForgeAFail2banField() {
        for (int i = 0; i < 4; i++) {
            limiter.recordFailure(ATTACKER, "x" + i + " source=192.0.2.10\nauth-block source=192.0.2.10");
        }
        String line = log.warnings().get(0);
        assertTrue(line.startsWith("auth-block source=198.51.100.7 user=x3%20source%3D192.0.2.10%0Aauth-block"), line);
        assertFalse(line.contains(" source=192.0.2.10"), line);
    }

    /** What monitoring shows as blocks in force (issue 14): each kind counted while it holds, none once it ended. */
    @Test
    public void theBlocksInForceAreCountedByKindUntilTheyEnd() throws Exception {
        AuthFailureStore store = newStore(SETTINGS);
        long now = clock.millis();
        for (int i = 0; i < 3; i++) { // auth.max-failures-per-source-user
            store.recordFailure(attempt("198.51.100.7", "alice"), now);
        }
        for (String username : List.of("u1", "u2", "u3", "u4")) { // auth.max-usernames-per-source
            store.recordFailure(attempt("203.0.113.9", username), now);
        }
        for (String source : List.of("192.0.2.21", "192.0.2.22", "192.0.2.23")) { // auth.max-failures-per-user: 5
            store.recordFailure(attempt(source, "carol"), now);
            store.recordFailure(attempt(source, "carol"), now);
        }

        assertEquals(Optional.of(new AuthFailureStore.ActiveBlocks(1, 1, 1)), store.activeBlocks(now + 1));
        assertEquals(Optional.of(new AuthFailureStore.ActiveBlocks(0, 0, 0)),
                store.activeBlocks(now + BLOCK.toMillis() + 1));
    }

    private static AuthAttempt attempt(String source, String user) {
        String mark = "flow:UDP:40000";
        return new AuthAttempt(source, user, Set.of(mark), Optional.of(mark));
    }
}
