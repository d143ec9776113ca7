package org.liaison.provisioning.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a decoded HTTP request into a {@link Fetch}, and the routes' {@link Reply} into a response. */
final class FetchHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(FetchHandler.class);

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
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, String> parameters = new HashMap<>();
        uri.parameters().forEach((name, values) -> parameters.put(name, values.get(0)));
        Fetch fetch = new Fetch(request.method().name(), request.uri(), uri.path(), parameters,
                request.headers().get(HttpHeaderNames.AUTHORIZATION),
                ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        send(ctx, routes.answer(fetch), HttpUtil.isKeepAlive(request));
    }

    private static void send(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()), Unpooled.wrappedBuffer(reply.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .set(HttpHeaderNames.CONTENT_LENGTH, reply.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store"); // answers carry credentials
        for (Map.Entry<String, String> header : reply.headers()) {
            response.headers().add(header.getKey(), header.getValue());
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
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
