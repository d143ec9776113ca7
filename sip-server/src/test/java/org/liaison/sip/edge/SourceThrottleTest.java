package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SourceThrottleTest {
    private static final long SECOND = 1_000_000_000L;

    private static int taken(SourceThrottle throttle, String source, int tries, long now) throws Exception {
        int taken = 0;
        for (int i = 0; i < tries; i++) {
            taken += throttle.tryTake(InetAddress.getByName(source), now) ? 1 : 0;
        }
        return taken;
    }

    @Test
    void aSourceGetsOneSecondsWorthThenTheRate() throws Exception {
        SourceThrottle throttle = new SourceThrottle(50);
        assertEquals(50, taken(throttle, "192.0.2.1", 200, 0));
        assertEquals(25, taken(throttle, "192.0.2.1", 200, SECOND / 2));
        assertEquals(50, taken(throttle, "192.0.2.2", 200, SECOND / 2), "another source has its own bucket");
    }

    @Test
    void anIpv6SourceIsItsSlash64() throws Exception {
        SourceThrottle throttle = new SourceThrottle(10);
        assertEquals(10, taken(throttle, "2001:db8:1:2::1", 10, 0));
        assertEquals(0, taken(throttle, "2001:db8:1:2:ffff::9", 10, 0), "same /64, same bucket");
        assertEquals(10, taken(throttle, "2001:db8:1:3::1", 10, 0), "another /64");
    }

    @Test
    void refusalsAreAnsweredAtMostAtTheSameRate() throws Exception {
        SourceThrottle throttle = new SourceThrottle(5);
        InetAddress flooder = InetAddress.getByName("192.0.2.9");
        int answered = 0;
        for (int i = 0; i < 100; i++) {
            answered += throttle.refused(flooder, "tls", 0) ? 1 : 0;
        }
        assertEquals(5, answered);
        assertFalse(throttle.refused(flooder, "tls", SECOND / 10));
        assertTrue(throttle.refused(flooder, "tls", SECOND / 2));
    }
}
