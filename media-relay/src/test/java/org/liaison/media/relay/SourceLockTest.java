package org.liaison.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class SourceLockTest {
    private static final long WINDOW = TimeUnit.SECONDS.toNanos(3);
    private static final long T0 = 1_000_000_000L;
    private static final InetSocketAddress SDP = endpoint("192.0.2.10", 4000);
    private static final InetSocketAddress NATTED = endpoint("192.0.2.10", 61234);
    private static final InetSocketAddress ATTACKER = endpoint("198.51.100.66", 4000);

    private static final Optional<InetAddress> NOT_SIGNALLED = Optional.empty();
    private static final InetSocketAddress NATTED_PHONE_SDP = endpoint("10.0.0.20", 7078);
    private static final InetSocketAddress NAT_PUBLIC_SIDE = endpoint("203.0.113.5", 40001);
    private static final Optional<InetAddress> SIGNALLED_FROM_NAT = Optional.of(NAT_PUBLIC_SIDE.getAddress());

    /** Stands for an address outside media.allowed-destinations. */
    private static final InetSocketAddress FORBIDDEN = endpoint("198.51.100.99", 4000);

    private final LongAdder unverifiedLocks = new LongAdder();
    private final LearningRule rule = new LearningRule(WINDOW, unverifiedLocks,
            destination -> !destination.getAddress().equals(FORBIDDEN.getAddress()));
    private final SourceLock lock = rule.newLock();

    @Test
    void beforeAnyPacketMediaGoesToTheSdpEndpoint() {
        lock.expect(SDP, NOT_SIGNALLED, true);
        assertEquals(SDP, lock.destination());
    }

    @Test
    void learnsTheFirstSourceWithTheSdpAddressOnAnyPortAndLocksOntoIt() {
        lock.expect(SDP, NOT_SIGNALLED, true);
        assertFalse(lock.admit(ATTACKER, T0), "another address is not learned");
        assertTrue(lock.admit(NATTED, T0 + 1000));
        assertEquals(NATTED, lock.destination());
        assertFalse(lock.admit(SDP, T0 + 2000), "after locking, even the SDP port is another source");
        assertFalse(lock.admit(ATTACKER, T0 + 3000));
        assertEquals(NATTED, lock.destination(), "a wrong source never moves the lock");
    }

    @Test
    void publicSdpAddressAlsoAcceptsTheSignalledFromAddress() {
        InetSocketAddress fromSignalling = endpoint("203.0.113.5", 50000);
        lock.expect(SDP, Optional.of(fromSignalling.getAddress()), true);
        assertFalse(lock.admit(ATTACKER, T0));
        assertTrue(lock.admit(fromSignalling, T0 + 1), "a multi-homed phone sends from where it signals");
        assertFalse(lock.admit(NATTED, T0 + 2), "locked: the SDP address on another port is another source");
        assertEquals(fromSignalling, lock.destination());
    }

    @Test
    void privateSdpAddressLearnsOnlyTheSignalledFromAddressEvenWhenAStrangerSendsFirst() {
        lock.expect(NATTED_PHONE_SDP, SIGNALLED_FROM_NAT, true);
        assertNull(lock.destination(), "nothing is sent to a private address before learning");
        assertFalse(lock.admit(ATTACKER, T0), "RTP Bleed: the first source is not trusted");
        assertFalse(lock.admit(NATTED_PHONE_SDP, T0 + 1), "nor the private SDP address itself");
        assertTrue(lock.admit(NAT_PUBLIC_SIDE, T0 + 2), "the NAT's address, on whatever port it mapped");
        assertFalse(lock.admit(ATTACKER, T0 + 3));
        assertEquals(NAT_PUBLIC_SIDE, lock.destination());
        assertEquals(0, unverifiedLocks.sum());
    }

    @Test
    void privateSdpAddressWithoutSignalledFromFallsBackToTheFirstSourceAndCountsIt() {
        lock.expect(NATTED_PHONE_SDP, NOT_SIGNALLED, true);
        assertTrue(lock.admit(NAT_PUBLIC_SIDE, T0), "an ng caller without received-from: first source at all");
        assertFalse(lock.admit(ATTACKER, T0 + 1), "but still only one");
        assertEquals(NAT_PUBLIC_SIDE, lock.destination());
        assertEquals(1, unverifiedLocks.sum(), "the unchecked lock is counted");
    }

    @Test
    void publicSdpAddressNeverFallsBackToTheFirstSource() {
        lock.expect(SDP, NOT_SIGNALLED, true);
        assertFalse(lock.admit(ATTACKER, T0));
        assertEquals(0, unverifiedLocks.sum());
    }

    @Test
    void unspecifiedSdpAddressLearnsOnlyTheSignalledFromAddress() {
        InetSocketAddress heldFromTheStart = endpoint("0.0.0.0", 7078);
        lock.expect(heldFromTheStart, SIGNALLED_FROM_NAT, true);
        assertFalse(lock.admit(ATTACKER, T0));
        assertTrue(lock.admit(NAT_PUBLIC_SIDE, T0 + 1));
        assertNull(lock.destination(), "on hold: nothing is sent");

        SourceLock unsignalled = rule.newLock();
        unsignalled.expect(heldFromTheStart, NOT_SIGNALLED, true);
        assertFalse(unsignalled.admit(NAT_PUBLIC_SIDE, T0), "no address known at all: nothing is learned");
        assertEquals(0, unverifiedLocks.sum());
    }

    @Test
    void aStrangerSprayingWhileTheCallRingsNeitherOpensNorSpendsTheWindow() {
        lock.expect(NATTED_PHONE_SDP, SIGNALLED_FROM_NAT, true);
        for (long t = T0; t < T0 + 10 * WINDOW; t += WINDOW / 4) {
            assertFalse(lock.admit(ATTACKER, t), "a stranger is dropped at " + t);
        }
        lock.openWindow(T0 + 10 * WINDOW); // answered after a long ring
        assertTrue(lock.admit(NAT_PUBLIC_SIDE, T0 + 10 * WINDOW + 1), "the phone still wins");
        assertEquals(NAT_PUBLIC_SIDE, lock.destination());
    }

    @Test
    void privateSdpAddressIsNeverLockedToWhenTheWindowClosesTheSignalledAddressStillWins() {
        lock.expect(NATTED_PHONE_SDP, SIGNALLED_FROM_NAT, true);
        lock.openWindow(T0);
        assertFalse(lock.admit(NATTED_PHONE_SDP, T0 + WINDOW + 1), "the private address is unreachable: no lock");
        assertNull(lock.destination());
        assertTrue(lock.admit(NAT_PUBLIC_SIDE, T0 + 2 * WINDOW), "a phone that sends late is still learned");
        assertEquals(NAT_PUBLIC_SIDE, lock.destination());
    }

    @Test
    void aSourceTheRelayMayNotSendToNeverLocks() {
        lock.expect(NATTED_PHONE_SDP, Optional.of(FORBIDDEN.getAddress()), true);
        assertFalse(lock.admit(FORBIDDEN, T0), "media would go back to a forbidden address");
        assertNull(lock.destination());

        SourceLock unsignalled = rule.newLock();
        unsignalled.expect(NATTED_PHONE_SDP, NOT_SIGNALLED, true);
        assertFalse(unsignalled.admit(FORBIDDEN, T0), "not even as the first source of rule 4");
        assertTrue(unsignalled.admit(NAT_PUBLIC_SIDE, T0 + 1));
        assertEquals(NAT_PUBLIC_SIDE, unsignalled.destination());
    }

    @Test
    void reOfferSignalledFromElsewhereIsWhatTheNextLearningChecks() {
        lock.expect(NATTED_PHONE_SDP, SIGNALLED_FROM_NAT, true);
        assertTrue(lock.admit(NAT_PUBLIC_SIDE, T0));
        InetSocketAddress roamed = endpoint("198.51.100.20", 41000);
        lock.expect(endpoint("10.9.9.9", 7078), Optional.of(roamed.getAddress()), false);
        assertFalse(lock.admit(NAT_PUBLIC_SIDE, T0 + 1), "a new SDP address relearns");
        assertTrue(lock.admit(roamed, T0 + 2));
    }

    @Test
    void afterTheWindowWithoutAMatchOnlyTheExactSdpEndpointIsAccepted() {
        lock.expect(SDP, NOT_SIGNALLED, true);
        lock.openWindow(T0);
        assertFalse(lock.admit(ATTACKER, T0), "not learned");
        assertFalse(lock.admit(NATTED, T0 + WINDOW + 1), "window over: the SDP address on another port is refused");
        assertTrue(lock.admit(SDP, T0 + WINDOW + 2));
        assertEquals(SDP, lock.destination());
    }

    @Test
    void reInviteWithTheSameAddressKeepsTheLockAndAnotherAddressRelearns() {
        lock.expect(SDP, NOT_SIGNALLED, true);
        assertTrue(lock.admit(NATTED, T0));
        lock.expect(endpoint("192.0.2.10", 4002), NOT_SIGNALLED, false);
        assertFalse(lock.admit(endpoint("192.0.2.10", 4002), T0 + 1),
                "same address: still locked to the learned source");
        assertTrue(lock.admit(NATTED, T0 + 2));

        InetSocketAddress moved = endpoint("192.0.2.99", 5000);
        lock.expect(moved, NOT_SIGNALLED, false);
        assertFalse(lock.admit(NATTED, T0 + 3), "the old source is no longer the endpoint");
        assertTrue(lock.admit(moved, T0 + 4));
    }

    @Test
    void holdAddressStopsSendingButKeepsTheLockForResume() {
        lock.expect(SDP, NOT_SIGNALLED, true);
        assertTrue(lock.admit(NATTED, T0));
        lock.expect(endpoint("0.0.0.0", 4000), NOT_SIGNALLED, false);
        assertNull(lock.destination(), "RFC 3264 hold: nothing is sent to 0.0.0.0");
        assertTrue(lock.admit(NATTED, T0 + 1), "the held phone may still send (music on hold)");
        lock.expect(SDP, NOT_SIGNALLED, false);
        assertEquals(NATTED, lock.destination());
    }

    @Test
    void anotherDeviceAnsweringRelearnsEvenOnTheSameAddress() {
        lock.expect(SDP, NOT_SIGNALLED, true);
        assertTrue(lock.admit(NATTED, T0));
        lock.expect(endpoint("192.0.2.10", 4010), NOT_SIGNALLED, true);
        assertTrue(lock.admit(endpoint("192.0.2.10", 4010), T0 + WINDOW * 2));
    }

    @Test
    void privateRangesAreTheOnesNatHides() {
        assertTrue(SourceLock.isPrivate(endpoint("10.1.2.3", 1).getAddress()));
        assertTrue(SourceLock.isPrivate(endpoint("172.20.0.1", 1).getAddress()));
        assertTrue(SourceLock.isPrivate(endpoint("100.64.0.1", 1).getAddress()));
        assertTrue(SourceLock.isPrivate(endpoint("fd00::1", 1).getAddress()));
        assertFalse(SourceLock.isPrivate(endpoint("100.128.0.1", 1).getAddress()));
        assertFalse(SourceLock.isPrivate(endpoint("127.0.0.1", 1).getAddress()));
        assertFalse(SourceLock.isPrivate(endpoint("2001:db8::1", 1).getAddress()));
    }

    static InetSocketAddress endpoint(String ip, int port) {
        return new InetSocketAddress(ip, port);
    }
}
