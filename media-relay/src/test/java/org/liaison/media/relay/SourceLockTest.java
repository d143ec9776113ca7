package org.liaison.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SourceLockTest {
    private static final long WINDOW = TimeUnit.SECONDS.toNanos(3);
    private static final long T0 = 1_000_000_000L;
    private static final InetSocketAddress SDP = endpoint("192.0.2.10", 4000);
    private static final InetSocketAddress NATTED = endpoint("192.0.2.10", 61234);
    private static final InetSocketAddress ATTACKER = endpoint("198.51.100.66", 4000);

    private final SourceLock lock = new SourceLock(WINDOW);

    @Test
    void beforeAnyPacketMediaGoesToTheSdpEndpoint() {
        lock.expect(SDP, true);
        assertEquals(SDP, lock.destination());
    }

    @Test
    void learnsTheFirstSourceWithTheSdpAddressOnAnyPortAndLocksOntoIt() {
        lock.expect(SDP, true);
        assertFalse(lock.admit(ATTACKER, T0), "another address is not learned");
        assertTrue(lock.admit(NATTED, T0 + 1000));
        assertEquals(NATTED, lock.destination());
        assertFalse(lock.admit(SDP, T0 + 2000), "after locking, even the SDP port is another source");
        assertFalse(lock.admit(ATTACKER, T0 + 3000));
        assertEquals(NATTED, lock.destination(), "a wrong source never moves the lock");
    }

    @Test
    void privateSdpAddressLearnsTheFirstSourceAtAllButStillOnlyOne() {
        InetSocketAddress nattedPhone = endpoint("192.168.1.20", 7078);
        InetSocketAddress publicSide = endpoint("203.0.113.5", 40001);
        lock.expect(nattedPhone, true);
        assertNull(lock.destination(), "nothing is sent to a private address before learning");
        assertTrue(lock.admit(publicSide, T0));
        assertFalse(lock.admit(ATTACKER, T0 + 1));
        assertEquals(publicSide, lock.destination());
    }

    @Test
    void afterTheWindowWithoutAMatchOnlyTheExactSdpEndpointIsAccepted() {
        lock.expect(SDP, true);
        assertFalse(lock.admit(ATTACKER, T0), "opens the window, is not learned");
        assertFalse(lock.admit(NATTED, T0 + WINDOW + 1), "window over: the SDP address on another port is refused");
        assertTrue(lock.admit(SDP, T0 + WINDOW + 2));
        assertEquals(SDP, lock.destination());
    }

    @Test
    void reInviteWithTheSameAddressKeepsTheLockAndAnotherAddressRelearns() {
        lock.expect(SDP, true);
        assertTrue(lock.admit(NATTED, T0));
        lock.expect(endpoint("192.0.2.10", 4002), false);
        assertFalse(lock.admit(endpoint("192.0.2.10", 4002), T0 + 1),
                "same address: still locked to the learned source");
        assertTrue(lock.admit(NATTED, T0 + 2));

        InetSocketAddress moved = endpoint("192.0.2.99", 5000);
        lock.expect(moved, false);
        assertFalse(lock.admit(NATTED, T0 + 3), "the old source is no longer the endpoint");
        assertTrue(lock.admit(moved, T0 + 4));
    }

    @Test
    void holdAddressStopsSendingButKeepsTheLockForResume() {
        lock.expect(SDP, true);
        assertTrue(lock.admit(NATTED, T0));
        lock.expect(endpoint("0.0.0.0", 4000), false);
        assertNull(lock.destination(), "RFC 3264 hold: nothing is sent to 0.0.0.0");
        assertTrue(lock.admit(NATTED, T0 + 1), "the held phone may still send (music on hold)");
        lock.expect(SDP, false);
        assertEquals(NATTED, lock.destination());
    }

    @Test
    void anotherDeviceAnsweringRelearnsEvenOnTheSameAddress() {
        lock.expect(SDP, true);
        assertTrue(lock.admit(NATTED, T0));
        lock.expect(endpoint("192.0.2.10", 4010), true);
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
