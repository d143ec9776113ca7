package org.liaison.media;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelayConfigTest {
    private static final MediaDestinations ANYWHERE = destination -> true;

    private static RelayConfig ports(int portMin, int portMax) {
        return new RelayConfig(InetAddress.getLoopbackAddress(), portMin, portMax, Duration.ofSeconds(60),
                Duration.ofSeconds(3), List.of(), ANYWHERE, 8);
    }

    @Test
    void oneCallsStreamTakesTwoPairsSoARangeOfOnePairIsRefused() {
        // one pair faces the caller, one the callee: with a single pair the first call fails with ports exhausted
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ports(30000, 30001));
        assertTrue(e.getMessage().contains("at least 2 pairs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ports(30000, 30002));
        assertDoesNotThrow(() -> ports(30000, 30003));
    }

    @Test
    void aRangeStartsAtAnEvenPortAbove1023AndEndsBelow65536() {
        assertThrows(IllegalArgumentException.class, () -> ports(30001, 30010));
        assertThrows(IllegalArgumentException.class, () -> ports(1022, 1030));
        assertThrows(IllegalArgumentException.class, () -> ports(65530, 65536));
        assertDoesNotThrow(() -> ports(65532, 65535));
    }
}
