package org.liaison.media.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The packet path without sockets: one embedded channel per relay port. */
class ForwardingHandlerTest {
    private static final InetSocketAddress RELAY_A = new InetSocketAddress("203.0.113.1", 30000);
    private static final InetSocketAddress RELAY_B = new InetSocketAddress("203.0.113.1", 30002);
    private static final InetSocketAddress PHONE_A = new InetSocketAddress("192.0.2.10", 4000);
    private static final InetSocketAddress PHONE_B = new InetSocketAddress("192.0.2.20", 5000);
    private static final InetSocketAddress STRANGER = new InetSocketAddress("198.51.100.66", 4000);
    /** An SRTP-looking packet: RTP header, then bytes the relay must not touch. */
    private static final byte[] SRTP = {(byte) 0x80, 0x00, 0x12, 0x34, 0, 0, 0, 1, 0x11, 0x22, 0x33, 0x44,
            (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x55};

    private final Leg legA = new Leg(new LearningRule(TimeUnit.SECONDS.toNanos(3), new LongAdder(), destination -> true).newLock());
    private final Leg legB = new Leg(new LearningRule(TimeUnit.SECONDS.toNanos(3), new LongAdder(), destination -> true).newLock());
    private final EmbeddedChannel portA = new EmbeddedChannel(new ForwardingHandler(legA));
    private final EmbeddedChannel portB = new EmbeddedChannel(new ForwardingHandler(legB));

    ForwardingHandlerTest() {
        legA.attach(portA);
        legB.attach(portB);
        Leg.pair(legA, legB);
    }

    @AfterEach
    void nothingLeftOver() {
        assertFalse(portA.finish(), "no packet left queued on port A");
        assertFalse(portB.finish(), "no packet left queued on port B");
    }

    @Test
    void packetFromAGoesOutOfBsPortToBByteForByte() {
        legA.lock.expect(PHONE_A, Optional.empty(), true);
        legB.lock.expect(PHONE_B, Optional.empty(), true);

        portA.writeInbound(packet(PHONE_A, RELAY_A));

        DatagramPacket out = portB.readOutbound();
        assertEquals(PHONE_B, out.recipient());
        assertArrayEquals(SRTP, ByteBufUtil.getBytes(out.content()));
        out.release();
        assertNull(portA.readOutbound(), "nothing goes back to A");
        assertEquals(1, legA.packets());
        assertEquals(SRTP.length, legA.bytes());
    }

    @Test
    void strangerIsDroppedAsWrongSourceAndNeverRedirectsTheStream() {
        legA.lock.expect(PHONE_A, Optional.empty(), true);
        legB.lock.expect(PHONE_B, Optional.empty(), true);
        portA.writeInbound(packet(PHONE_A, RELAY_A));
        ((DatagramPacket) portB.readOutbound()).release();

        portB.writeInbound(packet(STRANGER, RELAY_B));
        portA.writeInbound(packet(STRANGER, RELAY_A));

        assertNull(portA.readOutbound(), "the stranger's packet does not reach A");
        assertNull(portB.readOutbound(), "nor B");
        assertEquals(Map.of("wrong-source", 1L), legA.drops());
        assertEquals(Map.of("wrong-source", 1L), legB.drops());
        portB.writeInbound(packet(PHONE_B, RELAY_B));
        DatagramPacket toA = portA.readOutbound();
        assertEquals(PHONE_A, toA.recipient(), "A's endpoint is still A's");
        toA.release();
    }

    @Test
    void withoutAnAnswerPacketsAreDroppedAsNoPeer() {
        legA.lock.expect(PHONE_A, Optional.empty(), true);

        portA.writeInbound(packet(PHONE_A, RELAY_A));

        assertNull(portB.readOutbound());
        assertEquals(Map.of("no-peer", 1L), legA.drops());
        assertEquals(0, legA.packets());
    }

    private static DatagramPacket packet(InetSocketAddress from, InetSocketAddress to) {
        return new DatagramPacket(Unpooled.copiedBuffer(SRTP), to, from);
    }
}
