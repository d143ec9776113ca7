package org.liaison.sip.edge;

import gov.nist.javax.sip.Utils;
import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.ConnectionOrientedMessageChannel;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.text.ParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.sip.InvalidArgumentException;
import javax.sip.SipStack;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.config.TransportLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps connections from crowding out other clients (issue 5: half-open connections, connection
 * floods): at most {@link TransportLimits#connections()} accepted connections at once and
 * {@link TransportLimits#connectionsPerSource()} per source address, and every connection must
 * deliver one whole SIP message within {@link TransportLimits#firstMessageTimeout()} of being
 * accepted or it is closed. Connections that have spoken are left to the stack's idle timeout.
 * Requests over connections are limited per source to
 * {@link TransportLimits#streamRequestsPerSourcePerSecond()} (a {@link SourceThrottle}).
 *
 * <p>Transport-neutral: it sees connections through JAIN-SIP's NIO message channels, which TCP and
 * TLS share. A processor reports each accepted connection ({@link GuardedTcpProcessor},
 * {@link GuardedTlsProcessor});
 * as a {@link SIPMessageValve} it learns which connections delivered a parsed message. A sweep each
 * second forgets closed connections and closes silent ones, from its own thread, as the stack's own
 * idle-socket auditor does.
 */
final class ConnectionGuard implements SIPMessageValve, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long SWEEP_MILLIS = 1000;
    private static final int RETRY_AFTER_SECONDS = 1;

    private final TransportLimits limits;
    private final LongSupplier nanoClock;
    private final ScheduledExecutorService sweeper;
    private final SourceThrottle streamRequests;
    private final Map<MessageChannel, Connection> open = new IdentityHashMap<>();
    private final Map<InetAddress, Integer> perSource = new HashMap<>();
    private long refused;

    private static final class Connection {
        final ConnectionOrientedMessageChannel channel;
        final SocketChannel socket;
        final InetAddress source;
        final long deadlineNanos;
        boolean spoke;

        Connection(ConnectionOrientedMessageChannel channel, SocketChannel socket, InetAddress source,
                long deadlineNanos) {
            this.channel = channel;
            this.socket = socket;
            this.source = source;
            this.deadlineNanos = deadlineNanos;
        }
    }

    ConnectionGuard(TransportLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.streamRequests = new SourceThrottle(limits.streamRequestsPerSourcePerSecond());
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "liaison-connection-guard");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Requests over TCP and TLS dropped since start by the per-source throttle. */
    LongAdder requestsDropped() {
        return streamRequests.refusedTotal();
    }

    /** Makes the channel for an accepted connection; the stack's own, or a framed one. */
    interface ChannelMaker {
        NioTcpMessageChannel make() throws IOException;
    }

    /**
     * The channel for {@code socket} as a processor's {@code createMessageChannel} must give it: the
     * one the stack already has, or a new one from {@code maker}, registered with {@code stack} and
     * {@linkplain #accepted counted}.
     */
    NioTcpMessageChannel channelFor(NIOHandler stack, SocketChannel socket, ChannelMaker maker) throws IOException {
        NioTcpMessageChannel known = stack.getMessageChannel(socket);
        if (known != null) {
            return known;
        }
        NioTcpMessageChannel channel = maker.make();
        stack.putMessageChannel(socket, channel);
        accepted(channel, socket);
        return channel;
    }

    /** A connection was accepted on {@code socket}: counted, or closed at once when over a cap. */
    private synchronized void accepted(ConnectionOrientedMessageChannel channel, SocketChannel socket) {
        InetAddress source = socket.socket().getInetAddress();
        int fromSource = perSource.getOrDefault(source, 0);
        if (open.size() >= limits.connections() || fromSource >= limits.connectionsPerSource()) {
            // closed from the sweeper's thread: the stack registers the channel right after this returns
            sweeper.execute(channel::close);
            if (refused++ % 1000 == 0) {
                log.warn("connection-refused source={} open={} from-source={} refused-so-far={}",
                        source.getHostAddress(), open.size(), fromSource, refused);
            }
            return;
        }
        open.put(channel, new Connection(channel, socket, source,
                nanoClock.getAsLong() + limits.firstMessageTimeout().toNanos()));
        perSource.merge(source, 1, Integer::sum);
    }

    /**
     * Learns that {@code channel} spoke; over a connection, also takes the request from its source's
     * budget. Past it the request is dropped, and answered 503 while the source's budget of refusals
     * lasts: a client behind a busy NAT learns to retry (over TCP and TLS a dropped request is not
     * retransmitted, it times out after 32 s), while a flooder that does not read cannot make the
     * stack queue answers for it without bound. UDP has its own admission at receipt.
     */
    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        if (!(channel instanceof ConnectionOrientedMessageChannel)) {
            return true;
        }
        spoke(channel);
        long now = nanoClock.getAsLong();
        InetAddress source = channel.getPeerPacketSourceAddress();
        if (streamRequests.tryTake(source, now)) {
            return true;
        }
        if (streamRequests.refused(source, channel.getTransport().toLowerCase(Locale.ROOT), now)
                && !Request.ACK.equals(request.getMethod())) {
            answerBusy(request, channel);
        }
        return false;
    }

    private static void answerBusy(SIPRequest request, MessageChannel channel) {
        SIPResponse busy = request.createResponse(Response.SERVICE_UNAVAILABLE);
        try {
            busy.getTo().setTag(Utils.getInstance().generateTag());
            RetryAfter retry = new RetryAfter();
            retry.setRetryAfter(RETRY_AFTER_SECONDS);
            busy.setHeader(retry);
            channel.sendMessage(busy);
        } catch (IOException | InvalidArgumentException | ParseException e) {
            log.debug("could not answer a throttled request from {}: {}", channel.getPeerAddress(), e.toString());
        }
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        if (channel instanceof ConnectionOrientedMessageChannel) {
            spoke(channel);
        }
        return true;
    }

    private synchronized void spoke(MessageChannel channel) {
        Connection connection = open.get(channel);
        if (connection != null) {
            connection.spoke = true;
        }
    }

    /** Forgets connections the stack closed; closes those silent past their deadline. */
    synchronized void sweep() {
        long now = nanoClock.getAsLong();
        for (Iterator<Connection> it = open.values().iterator(); it.hasNext(); ) {
            Connection c = it.next();
            boolean silentTooLong = !c.spoke && now - c.deadlineNanos >= 0;
            if (c.socket.isOpen() && !silentTooLong) {
                continue;
            }
            if (silentTooLong && c.socket.isOpen()) {
                log.debug("closing connection from {}: no SIP message within {}", c.source.getHostAddress(),
                        limits.firstMessageTimeout());
                c.channel.close();
            }
            it.remove();
            perSource.computeIfPresent(c.source, (s, n) -> n > 1 ? n - 1 : null);
        }
    }

    synchronized int openConnections() {
        return open.size();
    }

    @Override
    public void init(SipStack stack) {
        // added to the running stack by SipEdge, not created by it
    }

    @Override
    public void destroy() {
        close();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
