package org.liaison.media.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The packet path: the only code that runs per media packet.
 *
 * <p>Every relay port is a Netty datagram channel whose pipeline is this one handler, bound to one
 * {@link Leg} (the endpoint that sends to that port). All sockets of a stream are registered on
 * the same event loop, so a packet is received, checked and sent on one thread with no locks and
 * no task hand-off:
 * <ol>
 *   <li>epoll (or NIO) reads the datagram into a pooled direct buffer
 *       ({@link RelayTransport} sets the allocator and a fixed 2048-byte receive size);</li>
 *   <li>{@link SourceLock#admit} decides whether its source is this leg's endpoint (learning,
 *       then strict source); if not, the buffer is released and {@code wrong-source} counted;</li>
 *   <li>the peer leg's {@link SourceLock#destination} says where the other endpoint is; none
 *       (not answered, hold, not learned) counts {@code no-peer}, a peer socket over its write
 *       buffer counts {@code congested};</li>
 *   <li>the same buffer, untouched (SRTP, SRTCP, DTLS and ZRTP pass byte for byte: the relay
 *       never holds keys), is written to the peer's socket with a void promise, addressed to the
 *       peer's endpoint; the peer socket is flushed once per read batch
 *       ({@link #channelReadComplete}), so packets queued together for one socket leave in one
 *       sendmmsg call on epoll.</li>
 * </ol>
 * Nothing is copied and nothing is logged per packet; the only objects created per packet are the
 * two datagram envelopes (Netty's received one, carrying the sender address, and the one addressed
 * to the peer), which stay in the young generation. Drops are counted, never thrown or logged.
 */
final class ForwardingHandler extends ChannelInboundHandlerAdapter {
    private final Leg leg;
    /** The peer socket written to in this read batch, flushed when the batch ends. */
    private Channel unflushed;

    ForwardingHandler(Leg leg) {
        this.leg = leg;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        if (!leg.lock.admit(packet.sender(), System.nanoTime())) {
            drop(packet, DropReason.WRONG_SOURCE);
            return;
        }
        Leg peer = leg.peer();
        Channel out = peer == null ? null : peer.socket();
        InetSocketAddress to = out == null ? null : peer.lock.destination();
        if (to == null) {
            drop(packet, DropReason.NO_PEER);
            return;
        }
        if (!out.isWritable()) {
            drop(packet, DropReason.CONGESTED);
            return;
        }
        leg.forwarded(packet.content().readableBytes(), System.currentTimeMillis());
        if (unflushed != null && unflushed != out) {
            unflushed.flush(); // the peer was re-targeted mid-batch (a fork answered)
        }
        out.write(new DatagramPacket(packet.content(), to), out.voidPromise());
        unflushed = out;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (unflushed != null) {
            Channel out = unflushed;
            unflushed = null;
            out.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // a send error (ICMP unreachable on some kernels) concerns one packet; the stream goes on
    }

    private void drop(DatagramPacket packet, DropReason reason) {
        leg.dropped(reason);
        packet.release();
    }
}
