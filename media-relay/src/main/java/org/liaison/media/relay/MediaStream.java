package org.liaison.media.relay;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.liaison.media.MediaRelayException;

/**
 * The relaying of one m-line between side A (the offerer) and side B (the answerer): a relay port
 * pair per side, each side's endpoint sending to its own side's ports and receiving from the other
 * side's. RTCP has its own legs on the odd ports unless rtcp-mux puts it on the RTP port.
 *
 * <p>All sockets of a stream live on one event loop; endpoint changes are handed to that loop so
 * the packet path stays single-threaded.
 */
final class MediaStream {
    enum Side { A, B }

    private final RelayTransport transport;
    private final PortAllocator allocator;
    private final InetAddress relayAddress;
    private final EventLoop loop;
    private final LearningRule learning;
    // the even ports of the side's pairs, 0 until bound
    private int portA;
    private int portB;
    private final Leg rtpA;
    private final Leg rtpB;
    private Leg rtcpA;
    private Leg rtcpB;
    // where each side's SDP last put RTCP and where it was signalled from, for RTCP legs bound after the offer
    private InetSocketAddress rtcpOfA;
    private InetSocketAddress rtcpOfB;
    private Optional<InetAddress> signalledFromA = Optional.empty();
    private Optional<InetAddress> signalledFromB = Optional.empty();

    private MediaStream(RelayTransport transport, PortAllocator allocator, InetAddress relayAddress,
            LearningRule learning) {
        this.transport = transport;
        this.allocator = allocator;
        this.relayAddress = relayAddress;
        this.loop = transport.nextLoop();
        this.learning = learning;
        this.rtpA = newLeg();
        this.rtpB = newLeg();
        Leg.pair(rtpA, rtpB);
    }

    /**
     * A stream with both sides' sockets bound: RTP, and RTCP unless {@code rtcpMux}. Pairs whose
     * ports another process holds are skipped. Its source locks follow {@code learning}.
     */
    static MediaStream open(RelayTransport transport, PortAllocator allocator, InetAddress relayAddress,
            LearningRule learning, boolean rtcpMux) throws MediaRelayException {
        MediaStream stream = new MediaStream(transport, allocator, relayAddress, learning);
        if (!rtcpMux) {
            stream.rtcpA = stream.newLeg();
            stream.rtcpB = stream.newLeg();
            Leg.pair(stream.rtcpA, stream.rtcpB);
        }
        try {
            stream.portA = stream.bindPair(stream.rtpA, stream.rtcpA);
            stream.portB = stream.bindPair(stream.rtpB, stream.rtcpB);
        } catch (MediaRelayException e) {
            stream.close();
            throw e;
        }
        return stream;
    }

    /**
     * Binds the RTCP legs on the pairs' odd ports when the answer turned rtcp-mux down, expecting
     * each side where its last SDP put RTCP. If another process holds one of the ports, RTCP stays
     * on the RTP ports.
     */
    void needRtcp() {
        if (rtcpA != null) {
            return;
        }
        Leg a = newLeg();
        Leg b = newLeg();
        Channel socketA = bind(a, portA + 1);
        Channel socketB = socketA == null ? null : bind(b, portB + 1);
        if (socketB == null) {
            if (socketA != null) {
                socketA.close().awaitUninterruptibly();
            }
            return;
        }
        Leg.pair(a, b);
        onLoop(() -> {
            if (rtcpOfA != null) {
                a.lock.expect(rtcpOfA, signalledFromA, true);
            }
            if (rtcpOfB != null) {
                b.lock.expect(rtcpOfB, signalledFromB, true);
            }
        });
        rtcpA = a;
        rtcpB = b;
    }

    /** The relay port side {@code side}'s endpoint sends RTP to. */
    int rtpPort(Side side) {
        return side == Side.A ? portA : portB;
    }

    /** The relay port side {@code side}'s endpoint sends RTCP to. */
    int rtcpPort(Side side) {
        return rtcpA == null ? rtpPort(side) : rtpPort(side) + 1;
    }

    /**
     * New SDP for {@code side}: where its endpoint receives RTP, and RTCP when that has its own
     * port, and where that SDP was signalled from; see {@link SourceLock#expect}.
     */
    void expect(Side side, InetSocketAddress rtp, InetSocketAddress rtcp, Optional<InetAddress> signalledFrom,
            boolean relearn) {
        if (side == Side.A) {
            rtcpOfA = rtcp;
            signalledFromA = signalledFrom;
        } else {
            rtcpOfB = rtcp;
            signalledFromB = signalledFrom;
        }
        Leg rtpLeg = rtp(side);
        Leg rtcpLeg = rtcp(side);
        onLoop(() -> {
            rtpLeg.lock.expect(rtp, signalledFrom, relearn);
            if (rtcpLeg != null) {
                rtcpLeg.lock.expect(rtcp, signalledFrom, relearn);
            }
        });
    }

    /** The SDP answer reached the relay: every endpoint not locked yet starts its learning window. */
    void answered() {
        Leg[] legs = {rtpA, rtpB, rtcpA, rtcpB};
        onLoop(() -> {
            long now = System.nanoTime();
            for (Leg leg : legs) {
                if (leg != null) {
                    leg.lock.openWindow(now);
                }
            }
        });
    }

    /** The device of {@code side} left (a fork's delete): nothing is sent to it any more. */
    void forget(Side side) {
        Leg rtpLeg = rtp(side);
        Leg rtcpLeg = rtcp(side);
        onLoop(() -> {
            rtpLeg.lock.clear();
            if (rtcpLeg != null) {
                rtcpLeg.lock.clear();
            }
        });
    }

    /** Packets received from {@code side}'s endpoint and forwarded to the other side. */
    long packetsFrom(Side side) {
        return rtp(side).packets() + (rtcp(side) == null ? 0 : rtcp(side).packets());
    }

    long bytesFrom(Side side) {
        return rtp(side).bytes() + (rtcp(side) == null ? 0 : rtcp(side).bytes());
    }

    Map<String, Long> drops() {
        Map<String, Long> all = rtpA.drops();
        rtpB.addDrops(all);
        if (rtcpA != null) {
            rtcpA.addDrops(all);
            rtcpB.addDrops(all);
        }
        return all;
    }

    /** Wall-clock millis of the last forwarded packet either way, 0 if none. */
    long lastPacketMillis() {
        long last = Math.max(rtpA.lastPacketMillis(), rtpB.lastPacketMillis());
        if (rtcpA != null) {
            last = Math.max(last, Math.max(rtcpA.lastPacketMillis(), rtcpB.lastPacketMillis()));
        }
        return last;
    }

    /** Closes the sockets and, once they are closed, frees the ports. */
    void close() {
        List<Channel> sockets = new ArrayList<>();
        for (Leg leg : new Leg[] {rtpA, rtpB, rtcpA, rtcpB}) {
            if (leg != null && leg.socket() != null) {
                sockets.add(leg.socket());
            }
        }
        for (Channel socket : sockets) {
            socket.close().awaitUninterruptibly();
        }
        if (portA != 0) {
            allocator.free(portA);
        }
        if (portB != 0) {
            allocator.free(portB);
        }
    }

    /**
     * Runs {@code change} on the stream's loop and waits for it: the packet path stays
     * single-threaded, and the offer or answer returns only once its endpoints are in place.
     */
    private void onLoop(Runnable change) {
        loop.submit(change).syncUninterruptibly();
    }

    private Leg newLeg() {
        return new Leg(learning.newLock());
    }

    private Leg rtp(Side side) {
        return side == Side.A ? rtpA : rtpB;
    }

    private Leg rtcp(Side side) {
        return side == Side.A ? rtcpA : rtcpB;
    }

    /** Reserves a pair and binds its RTP port (and RTCP port when {@code rtcp} is given). */
    private int bindPair(Leg rtp, Leg rtcp) throws MediaRelayException {
        List<Integer> held = new ArrayList<>();
        try {
            while (true) {
                int port = allocator.reserve();
                Channel rtpSocket = bind(rtp, port);
                Channel rtcpSocket = rtpSocket == null || rtcp == null ? null : bind(rtcp, port + 1);
                if (rtpSocket != null && (rtcp == null || rtcpSocket != null)) {
                    return port;
                }
                if (rtpSocket != null) {
                    rtpSocket.close().awaitUninterruptibly();
                }
                held.add(port); // kept reserved until we are done so the next reserve moves on
            }
        } finally {
            held.forEach(allocator::free);
        }
    }

    private Channel bind(Leg leg, int port) {
        Channel socket = transport.bind(loop, new InetSocketAddress(relayAddress, port), new ForwardingHandler(leg));
        if (socket != null) {
            leg.attach(socket);
        }
        return socket;
    }
}
