package org.liaison.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class OriginTest {
    private static final InetAddress NAT = InetAddress.getLoopbackAddress();

    @Test
    void identityIsTheInstanceElseTheContactElseTheFlow() {
        String flow = Origin.FLOW + "UDP:5060";
        String contact = Origin.CONTACT + "sip:alice@192.0.2.7:5060";
        String instance = Origin.INSTANCE + "<urn:uuid:00000000-0000-0000-0000-000000000001>";
        assertEquals(Optional.of(instance), new Origin(NAT, Set.of(flow, contact, instance)).identity());
        assertEquals(Optional.of(contact), new Origin(NAT, Set.of(flow, contact)).identity());
        assertEquals(Optional.of(flow), new Origin(NAT, Set.of("other:x", flow)).identity());
        assertEquals(Optional.of("other:x"), new Origin(NAT, Set.of("other:x")).identity());
        assertEquals(Optional.empty(), new Origin(NAT, Set.of()).identity());
    }
}
