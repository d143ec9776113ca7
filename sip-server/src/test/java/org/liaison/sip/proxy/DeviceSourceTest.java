package org.liaison.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import gov.nist.javax.sip.stack.HopImpl;
import java.net.InetAddress;
import java.util.Optional;
import javax.sip.address.Hop;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;
import org.liaison.sip.message.SipFactories;

/** Whose word counts on where an answering device signalled from: another node's, never a phone's. */
class DeviceSourceTest {
    private static final SipFactories SIP = SipFactories.create();
    private static final Hop NODE = new HopImpl("198.51.100.11", 5060, "udp");
    private static final Hop PHONE = new HopImpl("203.0.113.7", 5060, "udp");
    private final DeviceSource sources = new DeviceSource(SIP, NODE::equals);

    @Test
    void anotherNodesNoteNamesTheDeviceAndGoesNoFurther() throws Exception {
        Response ok = ok();
        sources.note(ok, InetAddress.getByName("203.0.113.7"));

        assertEquals(Optional.of(InetAddress.getByName("203.0.113.7")),
                sources.take(ok, NODE, Optional.of(InetAddress.getByName("198.51.100.11"))));
        assertNull(ok.getHeader(DeviceSource.HEADER));
    }

    @Test
    void aPhonesOwnNoteIsDroppedAndItsPacketSourceCounts() throws Exception {
        Response ok = ok();
        sources.note(ok, InetAddress.getByName("192.0.2.66"));
        Optional<InetAddress> packetSource = Optional.of(InetAddress.getByName("203.0.113.7"));

        assertEquals(packetSource, sources.take(ok, PHONE, packetSource));
        assertNull(ok.getHeader(DeviceSource.HEADER));
    }

    private static Response ok() throws Exception {
        return SIP.messages().createResponse(("SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKi\n"
                + "From: <sip:alice@example.org>;tag=a\nTo: <sip:bob@example.org>;tag=b\nCall-ID: c1\n"
                + "CSeq: 1 INVITE\nContent-Length: 0\n\n").replace("\n", "\r\n"));
    }
}
