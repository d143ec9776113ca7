package org.liaison.media.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.liaison.media.MediaRelayException;

class PortAllocatorTest {

    @Test
    void handsOutEachEvenPortOnceThenReportsExhaustion() throws Exception {
        PortAllocator ports = new PortAllocator(30000, 30007);
        Set<Integer> given = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            given.add(ports.reserve());
        }
        assertEquals(Set.of(30000, 30002, 30004, 30006), given);
        MediaRelayException e = assertThrows(MediaRelayException.class, ports::reserve);
        assertEquals(MediaRelayException.Reason.PORTS_EXHAUSTED, e.reason());
    }

    @Test
    void aFreedPairIsReusedOnlyAfterTheOthers() throws Exception {
        PortAllocator ports = new PortAllocator(30000, 30007);
        int first = ports.reserve();
        ports.free(first);
        assertEquals(List.of(30002, 30004, 30006, 30000),
                List.of(ports.reserve(), ports.reserve(), ports.reserve(), ports.reserve()));
        ports.free(30004);
        assertEquals(30004, ports.reserve(), "the only free pair, found by wrapping around");
        assertEquals(4, ports.inUse());
    }
}
