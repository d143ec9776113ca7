package org.liaison.sip.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.liaison.media.MediaRelay;
import org.liaison.sip.config.AdminSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: started first, so that {@code /health/ready} says 503 while the server is
 * still starting, and told by {@link #serving} what to read once everything is wired.
 */
public final class AdminService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminService.class);

    private final EventLoopGroup loop;
    private final EventExecutorGroup routeThread;
    private final PrometheusRegistry registry;
    private final Readiness readiness;
    private final AdminRoutes routes;
    private Channel listener;

    private AdminService(EventLoopGroup loop, EventExecutorGroup routeThread, PrometheusRegistry registry,
            Readiness readiness, AdminRoutes routes) {
        this.loop = loop;
        this.routeThread = routeThread;
        this.registry = registry;
        this.readiness = readiness;
        this.routes = routes;
    }

    /** Listens on {@code admin.address:admin.port} (not 0); JVM metrics only, and not ready, until {@link #serving}. */
    public static AdminService start(AdminSettings settings, Clock clock) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        Readiness readiness = new Readiness();
        AdminRoutes routes = new AdminRoutes(registry, readiness, new StatusHistory(), clock);
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventExecutorGroup routeThread = new DefaultEventExecutorGroup(1);
        AdminService service = new AdminService(loop, routeThread, registry, readiness, routes);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 16)
                .childHandler(new AdminInitializer(routes, routeThread));
        try {
            service.listener = bootstrap.bind(settings.socketAddress()).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            service.close();
            throw new IOException("interrupted while binding the admin port", e);
        } catch (Exception e) { // Netty's sync() rethrows the bind's own BindException, checked or not
            service.close();
            throw new IOException("cannot listen on " + settings.addressKey() + " " + settings.address().getHostAddress()
                    + " " + settings.portKey() + " " + settings.port() + ": " + e.getMessage(), e);
        }
        LOG.info("admin listener on http://{}:{}/ (metrics, health, status page)",
                settings.address().getHostAddress(), service.port());
        return service;
    }

    /** The server is up: its metrics and readiness checks are read from {@code server} from now on. */
    public void serving(ServerFigures server) {
        ServerMetrics.register(registry, server);
        readiness.checkFrom(Readiness.of(server));
        startSampling();
    }

    /**
     * {@code liaison relay} is up: the metrics of {@code relay} alone (the liaison_relay_* names the server's
     * admin listener gives an in-process relay) are read from now on, and ready means the relay answers.
     */
    public void servingRelay(MediaRelay relay) {
        ServerMetrics.registerRelay(registry, relay);
        readiness.checkFrom(List.of(new Readiness.Check("media relay", relay::reachable)));
        startSampling();
    }

    private void startSampling() {
        long period = StatusHistory.SAMPLE_PERIOD.toMillis();
        routeThread.scheduleAtFixedRate(this::sample, 0, period, TimeUnit.MILLISECONDS);
    }

    private void sample() {
        try {
            routes.sample();
        } catch (RuntimeException e) {
            // a periodic task that throws is never run again; the next sample may succeed
            LOG.debug("status sample not taken: {}", e.toString());
        }
    }

    /** The port listened on: {@code admin.port}, or the one the system chose. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly();
        }
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        routeThread.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
