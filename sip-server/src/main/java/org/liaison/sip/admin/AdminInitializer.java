package org.liaison.sip.admin;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.concurrent.TimeUnit;

/** Plain HTTP/1.1 with small heads and no bodies (every route is a GET), then one {@link AdminHandler}. */
final class AdminInitializer extends ChannelInitializer<SocketChannel> {
    private static final int MAX_INITIAL_LINE_BYTES = 1024;
    private static final int MAX_HEADER_BYTES = 8192;
    /** A request body is refused (413) by the aggregator; the codec's chunks must still be over 0. */
    private static final int MAX_BODY_BYTES = 0;
    private static final int MAX_CHUNK_BYTES = 1024;
    private static final int IDLE_SECONDS = 30;

    private final AdminRoutes routes;
    private final EventExecutorGroup blocking;

    /** {@code blocking} runs the routes: a scrape may wait for Redis, which must not stall the event loop. */
    AdminInitializer(AdminRoutes routes, EventExecutorGroup blocking) {
        this.routes = routes;
        this.blocking = blocking;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE_BYTES, MAX_HEADER_BYTES, MAX_CHUNK_BYTES))
                .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                .addLast(blocking, new AdminHandler(routes));
    }
}
