package org.liaison.sip.tls.acme;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProtocols;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.liaison.sip.config.IpLiteral;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.util.CertificateUtils;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the CA's TLS-ALPN-01 validation (RFC 8737) on the HTTPS service: a handshake whose ClientHello offers the
 * protocol {@code acme-tls/1} for a name with a challenge under way gets, instead of the server's certificate, a
 * self-signed one for that name carrying the critical acmeIdentifier extension (§3), negotiates {@code acme-tls/1}
 * and is closed once done (§3: no application data follows). Every other handshake (no {@code acme-tls/1} offered,
 * or no challenge for its name) is left to the service's own TLS handler, untouched: same certificate, same ALPN.
 *
 * <p>{@link #newHandler()} goes in front of the service's {@link SslHandler}: it reads the ClientHello's bytes,
 * since under TLS 1.2 the JDK's engine chooses its certificate before it asks an ALPN selector
 * ({@link ClientHello}). The server's key manager, which every other handshake of the server goes through, is not
 * involved.
 *
 * <p>In a cluster the CA may connect to any node, so a challenge is published in the {@link SharedAcmeState} too and
 * a node with none under way for a name looks there (off the event loop), only for the configured names.
 */
public final class TlsAlpn01Responder {
    private static final Logger LOG = LoggerFactory.getLogger(TlsAlpn01Responder.class);
    /** Where other nodes find a challenge: apart from the HTTP-01 tokens, which are base64url and have no dot. */
    private static final String SHARED_PREFIX = "tls-alpn-01.";

    /** The configured names by the host name a CA's ClientHello asks for them (RFC 8738 §6: reverse DNS for IPs). */
    private final Map<String, Identifier> identifiers = new HashMap<>();
    private final Map<String, SslContext> underWay = new ConcurrentHashMap<>();
    private final Optional<SharedAcmeState> shared;

    /** Answers for {@code names} ({@code sip.tls.acme.names}), and, in a cluster, what {@code shared} holds. */
    public TlsAlpn01Responder(List<String> names, Optional<SharedAcmeState> shared) {
        for (String name : names) {
            InetAddress address = IpLiteral.parse(name);
            identifiers.put(serverName(name), address != null ? Identifier.ip(address) : Identifier.dns(name));
        }
        this.shared = shared;
    }

    /** A handler for one new connection, placed just before the service's {@link SslHandler}. */
    public ChannelHandler newHandler() {
        return new HelloReader();
    }

    /**
     * Answers the CA for {@code identifier} with {@code keyAuthorization} until {@link #withdraw}, on every node.
     *
     * @throws IOException when the other nodes cannot be told (the CA may connect to any of them)
     */
    void present(Identifier identifier, String keyAuthorization) throws IOException {
        String name = serverName(identifier.getValue());
        underWay.put(name, challengeContext(identifier, keyAuthorization));
        if (shared.isPresent()) {
            shared.get().publishChallenge(SHARED_PREFIX + name, keyAuthorization, Http01Listener.SHARED_TOKEN_TERM);
        }
    }

    void withdraw(Identifier identifier) {
        String name = serverName(identifier.getValue());
        underWay.remove(name);
        try {
            if (shared.isPresent()) {
                shared.get().withdrawChallenge(SHARED_PREFIX + name);
            }
        } catch (IOException e) {
            LOG.debug("acme: the TLS-ALPN-01 challenge for {} stays shared until its TTL: {}", name, e.getMessage());
        }
    }

    /**
     * What answers this ClientHello: a challenge's context, or null for the service's own; completed on
     * {@code loop}, the connection's event loop, which then changes its pipeline.
     */
    private Future<SslContext> answer(ClientHello hello, EventExecutor loop) {
        if (!hello.protocols().contains(TlsAlpn01Challenge.ACME_TLS_1_PROTOCOL)) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
        }
        SslContext here = underWay.get(hello.serverName());
        Identifier identifier = identifiers.get(hello.serverName());
        if (here != null || identifier == null || shared.isEmpty()) {
            return ImmediateEventExecutor.INSTANCE.newSucceededFuture(here);
        }
        // Redis is a network call: not on the event loop; only for a configured name, so at most one key per name
        Promise<SslContext> answer = loop.newPromise();
        GlobalEventExecutor.INSTANCE.execute(() -> {
            try {
                Optional<String> keyAuthorization = shared.get().challenge(SHARED_PREFIX + hello.serverName());
                if (keyAuthorization.isPresent()) {
                    LOG.info("acme: answering the CA's TLS-ALPN-01 handshake for {} published by another node",
                            hello.serverName());
                }
                answer.setSuccess(keyAuthorization.isEmpty() ? null
                        : challengeContext(identifier, keyAuthorization.get()));
            } catch (IOException | RuntimeException e) {
                answer.setFailure(e);
            }
        });
        return answer;
    }

    /** RFC 8737 §3: a self-signed certificate naming only the identifier, with SHA-256 of the key authorization. */
    private static SslContext challengeContext(Identifier identifier, String keyAuthorization) throws IOException {
        try {
            KeyPair key = KeyPairUtils.createKeyPair(2048); // RSA: acme4j signs the certificate SHA256withRSA
            byte[] validation = MessageDigest.getInstance("SHA-256")
                    .digest(keyAuthorization.getBytes(StandardCharsets.UTF_8));
            X509Certificate certificate = CertificateUtils.createTlsAlpn01Certificate(key, identifier, validation);
            return SslContextBuilder.forServer(key.getPrivate(), certificate)
                    .sslProvider(SslProvider.JDK)
                    .protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2) // §3: TLS 1.2 or later
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.FATAL_ALERT,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.FATAL_ALERT,
                            TlsAlpn01Challenge.ACME_TLS_1_PROTOCOL))
                    .build();
        } catch (SSLException | GeneralSecurityException e) {
            throw new IOException("cannot make the TLS-ALPN-01 certificate for " + identifier.getValue() + ": " + e, e);
        }
    }

    /** The host name a CA puts in its ClientHello for {@code name}: RFC 8738 §6's reverse name for an address. */
    static String serverName(String name) {
        InetAddress address = IpLiteral.parse(name);
        if (address == null) {
            return name.toLowerCase(Locale.ROOT);
        }
        byte[] bytes = address.getAddress();
        StringBuilder reverse = new StringBuilder();
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (address instanceof Inet4Address) {
                reverse.append(bytes[i] & 0xff).append('.');
            } else {
                reverse.append(Character.forDigit(bytes[i] & 0xf, 16)).append('.')
                        .append(Character.forDigit((bytes[i] >> 4) & 0xf, 16)).append('.');
            }
        }
        return reverse.append(address instanceof Inet4Address ? "in-addr.arpa" : "ip6.arpa").toString();
    }

    /** Reads the ClientHello, then steps aside, putting a challenge's TLS handler in the service's place if due. */
    private final class HelloReader extends SslClientHelloHandler<SslContext> {
        @Override
        protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
            // null: not a TLS handshake at all; the service's handler refuses it
            return clientHello == null ? ImmediateEventExecutor.INSTANCE.newSucceededFuture(null)
                    : answer(ClientHello.read(clientHello), ctx.executor());
        }

        @Override
        protected void onLookupComplete(ChannelHandlerContext ctx, Future<SslContext> future) {
            SslContext challenge = future.getNow();
            if (!future.isSuccess()) {
                LOG.debug("acme: cannot look a TLS-ALPN-01 challenge up in the cluster: {}", future.cause().toString());
            }
            if (challenge != null) {
                SslHandler handler = challenge.newHandler(ctx.alloc());
                ctx.pipeline().replace(SslHandler.class, "acme-tls-alpn-01", handler);
                ctx.pipeline().addAfter("acme-tls-alpn-01", null, new CloseWhenShaken());
            }
            ctx.pipeline().remove(this); // the ClientHello's bytes go on to the TLS handler now in place
        }
    }

    /** RFC 8737 §3: the validation ends with the handshake; nothing is served under a challenge's certificate. */
    private static final class CloseWhenShaken extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent) {
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            ReferenceCountUtil.release(message);
        }
    }
}
