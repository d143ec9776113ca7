package org.liaison.provisioning.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * (A reader of the TLS ClientHello, when given,) TLS, then HTTP/1.1 with bounded heads and bodies, then one
 * {@link FetchHandler} per connection;
 * file uploads are taken off the line before the aggregator by a {@link FileUploadHandler}.
 */
final class HttpsInitializer extends ChannelInitializer<SocketChannel> {
    private final SslContext tls;
    private final Optional<Supplier<ChannelHandler>> helloReader;
    private final ConnectionLimit connections;
    private final ProvisioningRoutes routes;
    private final EventExecutorGroup blocking;

    /** {@code blocking} runs the routes and uploads: they touch files, which must not stall the event loop. */
    HttpsInitializer(SslContext tls, Optional<Supplier<ChannelHandler>> helloReader, ConnectionLimit connections,
            ProvisioningRoutes routes, EventExecutorGroup blocking) {
        this.tls = tls;
        this.helloReader = helloReader;
        this.connections = connections;
        this.routes = routes;
        this.blocking = blocking;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                .addLast(connections)
                .addLast(new IdleStateHandler(0, 0, ProvisioningSettings.IDLE_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS));
        helloReader.ifPresent(reader -> ch.pipeline().addLast(reader.get()));
        ch.pipeline()
                .addLast(tls.newHandler(ch.alloc()))
                .addLast(new HttpServerCodec(ProvisioningSettings.MAX_INITIAL_LINE_BYTES,
                        ProvisioningSettings.MAX_HEADER_BYTES, ProvisioningSettings.MAX_BODY_BYTES))
                .addLast(new ChunkedWriteHandler()) // downloads of shared files, chunk by chunk
                .addLast(blocking, new FileUploadHandler(routes)) // uploads stream past the aggregator
                .addLast(new HttpObjectAggregator(ProvisioningSettings.MAX_BODY_BYTES))
                .addLast(blocking, new FetchHandler(routes));
    }
}
