package org.liaison.sip.tls.acme;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plain-HTTP listener of {@code sip.tls.acme.http-port}: answers the CA's HTTP-01 requests
 * ({@code GET /.well-known/acme-challenge/TOKEN}, RFC 8555 §8.3) with the key authorization of a challenge under
 * way, and sends every other request to the HTTPS service (301), as a web server with automatic certificates does.
 * Nothing else is served over plain HTTP: provisioning carries credentials. Port 80 faces the internet: one request
 * per connection, small header limits, and a connection that sends nothing for {@link #READ_TIMEOUT_SECONDS} is
 * closed, so slow clients cannot hold it.
 *
 * <p>In a cluster the CA's request may reach any node (DNS round robin, a load balancer on port 80), so the tokens
 * are published in the {@link SharedAcmeState} too, with a TTL, and a token not under way here is looked up there.
 */
final class Http01Listener implements AutoCloseable {
    static final String CHALLENGE_PATH = "/.well-known/acme-challenge/";
    private static final int READ_TIMEOUT_SECONDS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(Http01Listener.class);
    /** RFC 8555 §8.3: the token is base64url. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    /** How long another node answers a token published here: the order's patience, twice, then it is stale. */
    static final Duration SHARED_TOKEN_TERM = Duration.ofMinutes(5);

    private final Map<String, String> keyAuthorizations = new ConcurrentHashMap<>();
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<Channel> listeners = new ArrayList<>();
    private final URI httpsBase;
    private final Optional<SharedAcmeState> shared;

    private Http01Listener(URI httpsBase, Optional<SharedAcmeState> shared) {
        this.httpsBase = httpsBase;
        this.shared = shared;
    }

    /**
     * Listens on {@code port} of each of {@code addresses}; an address it cannot bind (port 80 without the
     * capability to) is logged, once, with what to do, and the others serve.
     */
    static Http01Listener open(List<InetAddress> addresses, int port, URI httpsBase) {
        return open(addresses, port, httpsBase, Optional.empty());
    }

    /** As {@link #open(List, int, URI)}, answering also the tokens that other nodes publish in {@code shared}. */
    static Http01Listener open(List<InetAddress> addresses, int port, URI httpsBase,
            Optional<SharedAcmeState> shared) {
        Http01Listener listener = new Http01Listener(httpsBase, shared);
        ChannelHandler answers = listener.new Answers();
        ServerBootstrap bootstrap = new ServerBootstrap().group(listener.loop).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new ReadTimeoutHandler(READ_TIMEOUT_SECONDS),
                                new HttpServerCodec(1024, 4096, 1024), answers);
                    }
                });
        for (InetAddress address : addresses) {
            InetSocketAddress where = new InetSocketAddress(address, port);
            try {
                listener.listeners.add(bootstrap.bind(where).sync().channel());
            } catch (Exception e) { // Netty rethrows the bind's IOException undeclared
                LOG.error("acme: cannot listen on {} for HTTP-01 challenges ({}): the CA cannot check this server;"
                        + " give the service CAP_NET_BIND_SERVICE (AmbientCapabilities= in its systemd unit) or set"
                        + " sip.tls.acme.http-port and forward port 80 to it", where, e.toString());
            }
        }
        return listener;
    }

    /**
     * Answers the CA's request for {@code token} with {@code keyAuthorization} until {@link #withdraw}, on every node.
     *
     * @throws IOException when the other nodes cannot be told (the CA may ask any of them)
     */
    void publish(String token, String keyAuthorization) throws IOException {
        keyAuthorizations.put(token, keyAuthorization);
        if (shared.isPresent()) {
            shared.get().publishChallenge(token, keyAuthorization, SHARED_TOKEN_TERM);
        }
    }

    void withdraw(String token) {
        keyAuthorizations.remove(token);
        try {
            if (shared.isPresent()) {
                shared.get().withdrawChallenge(token);
            }
        } catch (IOException e) {
            LOG.debug("acme: HTTP-01 token {} stays shared until its TTL: {}", token, e.getMessage());
        }
    }

    /** The key authorization for {@code token}: under way on this node, or on another node of the cluster. */
    private String keyAuthorization(String token) {
        String here = keyAuthorizations.get(token);
        if (here != null || shared.isEmpty()) {
            return here;
        }
        try {
            Optional<String> elsewhere = shared.get().challenge(token);
            elsewhere.ifPresent(answer -> LOG.info("acme: answered the CA's HTTP-01 request for token {} published"
                    + " by another node", token));
            return elsewhere.orElse(null);
        } catch (IOException e) {
            LOG.debug("acme: cannot look HTTP-01 token {} up in the cluster: {}", token, e.getMessage());
            return null; // the CA retries, and the ordering node retries with backoff
        }
    }

    /** One answer per connection, then close: the CA and redirected browsers need no more. */
    @ChannelHandler.Sharable
    private final class Answers extends SimpleChannelInboundHandler<HttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpRequest request) {
            FullHttpResponse response = answer(request.decoderResult().isSuccess()
                    ? URI.create("http://h").resolve(request.uri()).getRawPath() : null);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a read timeout, a reset, or a request line URI cannot parse: nothing to answer
        }
    }

    private FullHttpResponse answer(String path) {
        if (path == null) {
            return response(HttpResponseStatus.BAD_REQUEST);
        }
        if (path.startsWith(CHALLENGE_PATH)) {
            String token = path.substring(CHALLENGE_PATH.length());
            String answer = TOKEN.matcher(token).matches() ? keyAuthorization(token) : null;
            if (answer == null) {
                return response(HttpResponseStatus.NOT_FOUND);
            }
            FullHttpResponse found = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(answer, StandardCharsets.US_ASCII));
            found.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            return found;
        }
        FullHttpResponse moved = response(HttpResponseStatus.MOVED_PERMANENTLY);
        // the host is ours, never the request's: no open redirect
        moved.headers().set(HttpHeaderNames.LOCATION, httpsBase.resolve(path.isEmpty() ? "/" : path).toString());
        return moved;
    }

    private static FullHttpResponse response(HttpResponseStatus status) {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    }

    @Override
    public void close() {
        listeners.forEach(Channel::close);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
