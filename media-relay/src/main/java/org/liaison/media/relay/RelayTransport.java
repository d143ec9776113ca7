package org.liaison.media.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.NettyRuntime;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's sockets: one event loop group shared by every relay port (native epoll where
 * available, NIO otherwise), one thread per core. Binds relay ports; see {@link ForwardingHandler}
 * for what happens to packets on them.
 */
final class RelayTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayTransport.class);
    /** Larger than any RTP packet on an Ethernet path (1500-byte MTU), a size the pool keeps cheap. */
    private static final int MAX_PACKET_BYTES = 2048;
    private static final long BIND_TIMEOUT_SECONDS = 5;

    private final EventLoopGroup group;
    private final boolean epoll;

    RelayTransport() {
        this(Epoll.isAvailable());
    }

    /** With {@code epoll} false, NIO even where epoll is available (tests cover both). */
    RelayTransport(boolean epoll) {
        this.epoll = epoll;
        // Netty's count (the JVM's unless -Dio.netty.availableProcessors=N says otherwise): on a box
        // shared with other busy processes fewer loops batch more packets per wake-up
        int threads = NettyRuntime.availableProcessors();
        this.group = new MultiThreadIoEventLoopGroup(threads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        log.info("media relay: {} event loops on {}", threads, epoll ? "native epoll" : "NIO");
    }

    /** The loop a new stream's sockets all go on. */
    EventLoop nextLoop() {
        return group.next();
    }

    /** A socket bound to {@code local} on {@code loop} with {@code handler}, or null if the port is taken. */
    Channel bind(EventLoop loop, InetSocketAddress local, ChannelHandler handler) {
        SocketProtocolFamily family = local.getAddress() instanceof Inet6Address
                ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
        Bootstrap bootstrap = new Bootstrap().group(loop)
                .channelFactory(() -> epoll ? new EpollDatagramChannel(family) : new NioDatagramChannel(family))
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_PACKET_BYTES))
                .handler(handler);
        ChannelFuture bound = bootstrap.bind(local);
        if (!bound.awaitUninterruptibly(BIND_TIMEOUT_SECONDS, TimeUnit.SECONDS) || !bound.isSuccess()) {
            bound.channel().close();
            return null;
        }
        return bound.channel();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
