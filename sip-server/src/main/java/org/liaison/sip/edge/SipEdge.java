package org.liaison.sip.edge;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TooManyListenersException;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.KeyManager;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.ObjectInUseException;
import javax.sip.PeerUnavailableException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransportNotSupportedException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.config.SipSettings;
import org.liaison.sip.config.TransportLimits;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.FlowRouter;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.proxy.Forwarder;
import org.liaison.sip.routing.RequestRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the JAIN-SIP stack lives: listening points, providers, and the single
 * {@link SipListener} that hands each request to the {@link RequestRouter} and carries out its
 * {@link Outcome}. Responses and timeouts go to the {@link Forwarder}.
 */
public final class SipEdge implements SipListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SipEdge.class);

    /** Protocols offered on the TLS listener. */
    private static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** ECDHE key exchange with AES-GCM or ChaCha20-Poly1305; the TLS 1.3 suites are all of that kind. */
    public static final List<String> TLS_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final long TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
    /** With the stack's 2 s sweep, no stream message waits for a worker much longer than 4 s. */
    private static final long QUEUED_STREAM_MESSAGE_MAX_AGE_MS = 2000;

    private final SipStack stack;
    private final Map<InetAddress, SipProvider> providers;
    private final Responses responses;
    private final ConnectionGuard connections;
    private final EdgeCounters counters;
    private volatile RequestRouter router;
    private volatile Forwarder forwarder;
    private volatile boolean started;

    private SipEdge(SipStack stack, Map<InetAddress, SipProvider> providers, Responses responses,
            ConnectionGuard connections, EdgeCounters counters) {
        this.stack = stack;
        this.providers = providers;
        this.responses = responses;
        this.connections = connections;
        this.counters = counters;
    }

    /**
     * Creates the stack and binds every listener; requests are refused until {@link #start} is called.
     * {@code outgoingTls} checks the certificate of each server the stack connects to over TLS.
     */
    public static SipEdge bind(SipSettings settings, TransportLimits limits, LocalAddresses local,
            SipFactories factories, Optional<KeyManager> tlsKeys, ServerCertificateCheck outgoingTls)
            throws SipException {
        PeerTrust peerTrust = new PeerTrust(outgoingTls);
        SipStackImpl stack = (SipStackImpl) createStack(settings, limits, tlsKeys, peerTrust);
        DatagramAdmission datagrams = new DatagramAdmission(limits, System::nanoTime);
        ResponsesSent sent = new ResponsesSent();
        ((AdmittingNetworkLayer) stack.getNetworkLayer()).admitWith(datagrams, sent);
        ConnectionGuard connections = new ConnectionGuard(limits, System::nanoTime);
        LongAdder datagramsExpired = new LongAdder();
        stack.setMessageProcessorFactory(new GuardedProcessorFactory(connections,
                () -> new StreamFraming(settings.maxMessageBytes(), sent), settings.workerThreads(), datagramsExpired,
                peerTrust));
        stack.sipMessageValves.add(connections);
        Map<InetAddress, SipProvider> providers = new HashMap<>();
        try {
            for (InetAddress address : settings.addresses()) {
                SipProvider provider = null;
                for (LocalAddresses.Listener l : local.listeners()) {
                    if (!l.address().equals(address)) {
                        continue;
                    }
                    ListeningPoint lp = stack.createListeningPoint(address.getHostAddress(), l.port(),
                            l.transport().toLowerCase(java.util.Locale.ROOT));
                    if (provider == null) {
                        provider = stack.createSipProvider(lp);
                    } else {
                        provider.addListeningPoint(lp);
                    }
                }
                if (provider != null) {
                    providers.put(address, provider);
                }
            }
        } catch (InvalidArgumentException | TransportNotSupportedException | ObjectInUseException e) {
            try {
                stack.stop();
            } catch (RuntimeException stopping) {
                e.addSuppressed(stopping); // what failed to bind is what the admin needs to read
            }
            connections.close();
            throw new SipException("cannot listen: " + e.getMessage(), e);
        }
        return new SipEdge(stack, providers, new Responses(factories), connections,
                new EdgeCounters(datagrams.dropped(), datagramsExpired, connections.requestsDropped(), sent));
    }

    private static SipStack createStack(SipSettings settings, TransportLimits limits, Optional<KeyManager> tlsKeys,
            PeerTrust peerTrust) throws PeerUnavailableException {
        Properties p = new Properties();
        if (tlsKeys.isPresent()) {
            tlsProperties(p);
        }
        p.setProperty("javax.sip.STACK_NAME", "liaison");
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off"); // a proxy is not a dialog party
        p.setProperty("javax.sip.ROUTER_PATH", FlowRouter.class.getName());
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", StackLogBridge.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", MessageLogBridge.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(settings.workerThreads()));
        p.setProperty("gov.nist.javax.sip.TCP_POST_PARSING_THREAD_POOL_SIZE",
                Integer.toString(settings.workerThreads()));
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY",
                "gov.nist.javax.sip.stack.NioMessageProcessorFactory");
        p.setProperty("gov.nist.javax.sip.NIO_BLOCKING_MODE", "NONBLOCKING");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(settings.maxMessageBytes()));
        p.setProperty("gov.nist.javax.sip.NIO_MAX_SOCKET_IDLE_TIME",
                Long.toString(settings.tcpIdleTimeout().toMillis()));
        // requests to a device that registered over TCP go back over its own connection
        p.setProperty("gov.nist.javax.sip.CACHE_SERVER_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "100000");
        p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "100000");
        p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(limits.connections()));
        // floods: datagrams are admitted per source before the stack queues them (AdmittingNetworkLayer);
        // a request that waited too long in the UDP socket is dropped by DatagramReaders, a TCP/TLS message still
        // waiting for a worker after this long by the stack's own audit
        p.setProperty("gov.nist.javax.sip.NETWORK_LAYER", AdmittingNetworkLayer.class.getName());
        p.setProperty("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", Long.toString(QUEUED_STREAM_MESSAGE_MAX_AGE_MS));
        // a broken header is treated alike over TCP and UDP (JAIN-SIP's TCP parser drops it silently)
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", StreamParserFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.REJECT_STRAY_RESPONSES", "false");
        // A finished transaction drops its messages without keeping their bytes: "Normal" (what AGGRESSIVE_CLEANUP
        // selects) encodes each request when its transaction completes and parses it again when the transaction is
        // cleaned up (SIPServerTransactionImpl.cleanUp, SIPClientTransactionImpl.cleanUpOnTerminated): 40 % of all
        // parsing under MESSAGE load (docs/BENCHMARKS.md, 2026-12-06 afternoon). Nothing here
        // reads a transaction's request after it ended (the proxy keeps what it needs), so nothing needs the bytes.
        p.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "Aggressive");
        p.setProperty("gov.nist.javax.sip.TIMER_CLASS_NAME", WheelSipTimer.class.getName());
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(4 << 20));
        p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", Integer.toString(4 << 20));
        // built directly, not through SipFactory, so that the TLS listener gets our key manager
        return tlsKeys.isPresent() ? new TlsSipStack(p, tlsKeys.get(), peerTrust) : new ConnectionReusingStack(p);
    }

    /**
     * TLS 1.2 and 1.3 only, forward-secret AEAD suites only (RFC 9325 §4.2), no client certificate
     * asked for (clients authenticate with digest). A send waiting for a handshake gives up after
     * {@link #TLS_HANDSHAKE_TIMEOUT_MS}. A connection whose handshake stalls holds a socket but no
     * thread (non-blocking I/O), so others are served; it is closed as idle after
     * sip.tcp-idle-timeout-seconds (JAIN-SIP's NIO transport has no handshake deadline of its own).
     */
    private static void tlsProperties(Properties p) {
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
        p.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", String.join(",", TLS_PROTOCOLS));
        p.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", String.join(",", TLS_CIPHER_SUITES));
        p.setProperty("gov.nist.javax.sip.SSL_HANDSHAKE_TIMEOUT", Long.toString(TLS_HANDSHAKE_TIMEOUT_MS));
        p.setProperty("gov.nist.javax.sip.SSL_RENEGOTIATION_ENABLED", "false");
        // the stack's own no-op policy for TLS client transactions, named so it does not warn at each start
        p.setProperty("gov.nist.javax.sip.TLS_SECURITY_POLICY", "gov.nist.javax.sip.stack.DefaultTlsSecurityPolicy");
    }

    public Map<InetAddress, SipProvider> providers() {
        return Map.copyOf(providers);
    }

    /** Starts delivering messages to {@code router} and {@code forwarder}. */
    public void start(RequestRouter router, Forwarder forwarder) throws SipException {
        this.router = router;
        this.forwarder = forwarder;
        try {
            for (SipProvider provider : providers.values()) {
                provider.addSipListener(this);
            }
        } catch (TooManyListenersException e) {
            throw new SipException("listener already set", e);
        }
        ((SipStackImpl) stack).sipMessageValves.add(new RelayedResponses(
                (response, receivedOn) -> onResponse(null, response, receivedOn)));
        stack.start();
        started = true;
    }

    /** Whether every listener is bound and requests reach the router (readiness). */
    public boolean serving() {
        return started;
    }

    /** What the edge took in since start. */
    public EdgeCounters counters() {
        return counters;
    }

    /** Server and client transactions the stack holds now. */
    public int transactionsInFlight() {
        SipStackImpl impl = (SipStackImpl) stack;
        return impl.getServerTransactionTableSize() + impl.getClientTransactionTableSize();
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        SipProvider provider = (SipProvider) event.getSource();
        Flow source = flowOf(request);
        counters.requestReceived(request.getMethod());
        try {
            if (Request.ACK.equals(request.getMethod())) {
                if (router.route(request, source) instanceof Outcome.Relay relay) {
                    forwarder.forwardStateless(relay.request(), relay.target(), source);
                }
                return;
            }
            if (Request.CANCEL.equals(request.getMethod())) {
                forwarder.cancel(serverTransaction(event, provider), request);
                return;
            }
            // routed before any transaction exists: a challenge or a refusal of an unauthenticated request is
            // sent without one (no state, no retransmission); only a request we go on with gets a transaction
            Outcome outcome = router.route(request, source);
            if (outcome instanceof Outcome.Respond r && r.stateless()) {
                provider.sendResponse(r.response());
                sent(r);
            } else if (outcome instanceof Outcome.Respond r) {
                serverTransaction(event, provider).sendResponse(r.response());
                sent(r);
            } else if (outcome instanceof Outcome.Later later && later.stateless()) {
                later.answer().whenComplete((r, failure) -> answerLater(provider::sendResponse, request, r, failure));
            } else if (outcome instanceof Outcome.Later later) {
                // the transaction exists before the answer is decided, so retransmissions meanwhile are absorbed
                ServerTransaction server = serverTransaction(event, provider);
                later.answer().whenComplete((r, failure) -> answerLater(server::sendResponse, request, r, failure));
            } else if (outcome instanceof Outcome.Forward f) {
                forwarder.forward(serverTransaction(event, provider), f, source);
            } else if (outcome instanceof Outcome.Relay relay) {
                if (!forwarder.forwardStateless(relay.request(), relay.target(), source)) {
                    answerStatelessly(provider, request, Response.SERVICE_UNAVAILABLE);
                }
            } else if (outcome instanceof Outcome.Drop d) {
                LOG.debug("dropped {}: {}", request.getMethod(), d.why());
            }
        } catch (TransactionAlreadyExistsException e) {
            LOG.trace("retransmission of {} absorbed", request.getMethod());
        } catch (SipException | InvalidArgumentException e) {
            // the client's fault (a request the stack cannot take a transaction for): not worth a
            // log line each, or anyone could flood the log
            LOG.debug("cannot handle {} from {}:{}: {}", request.getMethod(), source.remoteAddress(),
                    source.remotePort(), e.toString());
            answerStatelessly(provider, request, Response.BAD_REQUEST);
        } catch (RuntimeException e) {
            LOG.warn("cannot handle {} from {}:{}", request.getMethod(), source.remoteAddress(), source.remotePort(), e);
            answerStatelessly(provider, request, Response.SERVER_INTERNAL_ERROR);
        }
    }

    /** Sends a response: through a server transaction, or the provider (statelessly). */
    private interface ResponseSender {
        void send(Response response) throws SipException, InvalidArgumentException;
    }

    /** The answer of an {@link Outcome.Later}, sent from the thread that decided it. */
    private void answerLater(ResponseSender server, Request request, Outcome.Respond answer, Throwable failure) {
        try {
            if (failure != null) {
                LOG.warn("cannot answer {}: {}", request.getMethod(), failure.toString());
                Response error = responses.create(request, Response.SERVER_INTERNAL_ERROR);
                server.send(error);
                counters.responsesSent().sent(error);
                return;
            }
            server.send(answer.response());
            sent(answer);
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            LOG.debug("cannot send the answer to {}: {}", request.getMethod(), e.toString());
        }
    }

    private void sent(Outcome.Respond answer) {
        counters.responsesSent().sent(answer.response());
        answer.afterSent().run();
    }

    private static ServerTransaction serverTransaction(RequestEvent event, SipProvider provider) throws SipException {
        return event.getServerTransaction() != null ? event.getServerTransaction()
                : provider.getNewServerTransaction(event.getRequest());
    }

    private void answerStatelessly(SipProvider provider, Request request, int status) {
        if (Request.ACK.equals(request.getMethod())) {
            return;
        }
        try {
            Response response = responses.create(request, status);
            provider.sendResponse(response);
            counters.responsesSent().sent(response);
        } catch (SipException | RuntimeException e) {
            LOG.debug("cannot send {}: {}", status, e.toString());
        }
    }

    @Override
    public void processResponse(ResponseEvent event) {
        onResponse(event.getClientTransaction(), event.getResponse(), (SipProvider) event.getSource());
    }

    /** {@code client}: null for a stray, e.g. a response relayed without a transaction ({@link RelayedResponses}). */
    private void onResponse(ClientTransaction client, Response response, SipProvider receivedOn) {
        // the packet's source, not its Via: where the answering device really is (its media comes from there)
        InetAddress from = ((SIPMessage) response).getRemoteAddress();
        counters.responseReceived(response.getStatusCode());
        forwarder.onResponse(client, response, receivedOn, Optional.ofNullable(from));
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        if (!event.isServerTransaction()) {
            forwarder.onTimeout(event.getClientTransaction());
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        LOG.debug("I/O error towards {}:{}/{}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
        // transactions keep no state of ours beyond their own lifetime
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
        // no dialogs: the proxy is not a dialog party
    }

    /**
     * Where a request really came from: the packet's source and the transport it arrived on, not
     * what its Via claims (RFC 3581; a Via saying TLS over UDP must not pass for TLS).
     */
    private static Flow flowOf(Request request) {
        SIPRequest r = (SIPRequest) request;
        String transport = ((MessageChannel) r.getMessageChannel()).getTransport(); // Flow upper-cases it
        return new Flow(transport, r.getRemoteAddress().getHostAddress(), r.getRemotePort(),
                r.getLocalAddress().getHostAddress(), r.getLocalPort());
    }

    @Override
    public void close() {
        for (SipProvider provider : providers.values()) {
            provider.removeSipListener(this);
        }
        stack.stop();
        connections.close();
    }
}
