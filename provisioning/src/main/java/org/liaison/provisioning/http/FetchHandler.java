package org.liaison.provisioning.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.stream.ChunkedFile;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a decoded HTTP request into a {@link Fetch}, and the routes' {@link Reply} into a response. */
final class FetchHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(FetchHandler.class);

    private static final int FILE_CHUNK_BYTES = 64 * 1024;

    private final ProvisioningRoutes routes;

    FetchHandler(ProvisioningRoutes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            // too long a line or header, or not HTTP at all: answer once and hang up
            send(ctx, Reply.error(400, "bad request", "-"), false);
            return;
        }
        send(ctx, routes.answer(fetch(ctx, request)), HttpUtil.isKeepAlive(request));
    }

    /** The request's head as the routes see it. */
    static Fetch fetch(ChannelHandlerContext ctx, HttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, String> parameters = new HashMap<>();
        uri.parameters().forEach((name, values) -> parameters.put(name, values.get(0)));
        return new Fetch(request.method().name(), request.uri(), uri.path(), parameters,
                request.headers().get(HttpHeaderNames.AUTHORIZATION),
                ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
    }

    /** Sends {@code reply}, then closes the connection unless {@code keepAlive}. */
    static void send(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        if (reply.file().isPresent()) {
            sendFile(ctx, reply, keepAlive);
            return;
        }
        ChannelFuture sent = write(ctx, reply, keepAlive);
        if (!keepAlive) {
            sent.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Sends {@code reply} (a body in memory) saying whether the connection stays open, and leaves it open. */
    static ChannelFuture write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        return ctx.writeAndFlush(withHeaders(response, reply, reply.body().length, keepAlive));
    }

    /**
     * Streams the file in 64 KiB chunks (ChunkedFile: over TLS the bytes must pass through the
     * SslHandler, so no zero-copy FileRegion); the heap holds one chunk per connection at a time.
     */
    private static void sendFile(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        RandomAccessFile content;
        long length;
        try {
            content = new RandomAccessFile(reply.file().get().toFile(), "r");
            length = content.length();
        } catch (IOException e) {
            send(ctx, Reply.error(410, "this file has expired", "-"), keepAlive); // swept since it was found
            return;
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        ctx.write(withHeaders(response, reply, length, keepAlive));
        ChannelFuture sent;
        try {
            sent = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedFile(content, 0, length, FILE_CHUNK_BYTES)));
        } catch (IOException e) {
            ctx.close();
            return;
        }
        if (!keepAlive) {
            sent.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static HttpResponse withHeaders(HttpResponse response, Reply reply, long length, boolean keepAlive) {
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .set(HttpHeaderNames.CONTENT_LENGTH, length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store") // answers carry credentials
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        for (Map.Entry<String, String> header : reply.headers()) {
            response.headers().add(header.getKey(), header.getValue());
        }
        return response;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // TLS handshake failures (scanners, clients that do not trust us) are routine: one debug line
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            log.debug("provisioning: TLS failure from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            log.info("provisioning: connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
