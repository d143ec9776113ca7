package org.liaison.provisioning.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProtocols;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.X509KeyManager;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.DeskPhones;
import org.liaison.provisioning.UsersFileException;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.client.LinphoneXml;
import org.liaison.provisioning.client.PhoneTemplates;
import org.liaison.provisioning.client.SipEndpoint;
import org.liaison.provisioning.directory.CurrentDirectory;
import org.liaison.provisioning.enrolment.EnrolmentTokenStore;
import org.liaison.provisioning.files.FileStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS provisioning service: Linphone configurations by one-time link and by digest-signed
 * refresh, and the files users share in chats. TLS 1.2 and 1.3 only, the cipher suites of {@link ProvisioningSettings#tlsCipherSuites()}
 * only (never the TLS library's defaults, which add CBC and RSA key exchange suites with an RSA
 * certificate), with the certificates of the key manager it is given (the same as SIP over TLS). {@link #close()} stops listening and waits for the requests in progress.
 */
public final class ProvisioningService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProvisioningService.class);
    private static final int ROUTE_THREADS = 2;
    /** How often expired shared files are deleted. */
    private static final Duration FILE_SWEEP_PERIOD = Duration.ofHours(1);

    private final EventLoopGroup loop;
    private final EventExecutorGroup routeThreads;
    private final List<Channel> listeners;
    private final ProvisioningCounters counters;

    private ProvisioningService(EventLoopGroup loop, EventExecutorGroup routeThreads, List<Channel> listeners,
            ProvisioningCounters counters) {
        this.counters = counters;
        this.loop = loop;
        this.routeThreads = routeThreads;
        this.listeners = listeners;
    }

    /**
     * Listens on every address of {@code settings}.
     *
     * @param domain   the SIP domain, also the digest realm
     * @param accounts the accounts being served now (reloaded underneath)
     * @param sip      where provisioned clients register
     * @param keys     the server certificate and key (may reload underneath)
     * @param caPem    the CA that signs the server certificate, when it is the organisation's own
     * @param tokens   where enrolment tokens are kept (data.dir, or the cluster's Redis)
     */
    public static ProvisioningService start(ProvisioningSettings settings, String domain,
            Supplier<AccountSnapshot> accounts,
            SipEndpoint sip, X509KeyManager keys, Optional<String> caPem, EnrolmentTokenStore tokens, Clock clock)
            throws IOException, UsersFileException {
        return start(settings, domain, accounts, sip, keys, caPem, tokens, clock, Optional.empty());
    }

    /**
     * As above; {@code helloReader} makes, for each connection, a handler placed before the TLS handler: it sees the
     * ClientHello first and may put a TLS handler of its own in the service's place (an ACME CA's TLS-ALPN-01
     * validation, RFC 8737), then removes itself.
     */
    public static ProvisioningService start(ProvisioningSettings settings, String domain,
            Supplier<AccountSnapshot> accounts, SipEndpoint sip, X509KeyManager keys, Optional<String> caPem,
            EnrolmentTokenStore tokens, Clock clock, Optional<Supplier<ChannelHandler>> helloReader)
            throws IOException, UsersFileException {
        SslContext tls = SslContextBuilder.forServer(keys)
                .protocols(SslProtocols.TLS_v1_3, SslProtocols.TLS_v1_2)
                .ciphers(settings.tlsCipherSuites())
                .build();
        ClientUrls urls = new ClientUrls(settings.publicUrl());
        FileStore files = FileStore.open(settings.files(), clock);
        ProvisioningRoutes routes = new ProvisioningRoutes(accounts,
                tokens, new LinphoneXml(domain, sip, urls),
                new DirectoryReplies(new CurrentDirectory(accounts, domain), urls),
                new DeskPhoneReplies(DeskPhones.open(settings.devicesFile()),
                        new PhoneTemplates(settings.phoneTemplates(), domain, sip, urls), accounts),
                new HttpDigest(domain, accounts, clock),
                new FailedFetchLimiter(ProvisioningSettings.MAX_FAILURES_PER_SOURCE,
                        ProvisioningSettings.MAX_FAILURES_PER_SOURCE_AND_USER, ProvisioningSettings.MAX_FAILURES_PER_USER,
                        ProvisioningSettings.FAILURE_WINDOW, ProvisioningSettings.BLOCK, clock), caPem,
                new FileReplies(files, urls));
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventExecutorGroup routeThreads = new DefaultEventExecutorGroup(ROUTE_THREADS);
        routeThreads.scheduleAtFixedRate(files::sweep, FILE_SWEEP_PERIOD.toMinutes(), FILE_SWEEP_PERIOD.toMinutes(),
                TimeUnit.MINUTES);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(new HttpsInitializer(tls, helloReader,
                        new ConnectionLimit(ProvisioningSettings.MAX_CONNECTIONS), routes, routeThreads));
        List<Channel> listeners = new ArrayList<>();
        ProvisioningService service = new ProvisioningService(loop, routeThreads, listeners, routes.counters());
        try {
            for (InetAddress address : settings.addresses()) {
                listeners.add(bootstrap.bind(new InetSocketAddress(address, settings.port())).sync().channel());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            service.close();
            throw new IOException("interrupted while binding the provisioning port", e);
        } catch (RuntimeException e) {
            service.close();
            throw new IOException("cannot listen for provisioning on port " + settings.port() + ": " + e, e);
        }
        log.info("provisioning over https on {} port {}, public url {}", settings.addresses(), settings.port(),
                settings.publicUrl());
        return service;
    }

    /** What was answered since start, for the admin listener's metrics. */
    public ProvisioningCounters counters() {
        return counters;
    }

    /** The port listened on: {@code http.port}, or the one the system chose for port 0. */
    public int port() {
        return ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
    }

    @Override
    public void close() {
        for (Channel listener : listeners) {
            listener.close().awaitUninterruptibly();
        }
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        routeThreads.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
