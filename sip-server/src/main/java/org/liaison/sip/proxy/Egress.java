package org.liaison.sip.proxy;

import gov.nist.javax.sip.stack.HopImpl;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.text.ParseException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sip.InvalidArgumentException;
import javax.sip.SipProvider;
import javax.sip.address.Hop;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.liaison.sip.config.DestinationPolicy;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.SipFactories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way out for every request the server sends, forwarded or its own: whether it may go to a hop
 * at all, the listener and provider it leaves from, and the Via naming that listener.
 */
final class Egress {
    /** The forwarder's logger, as before this was split from it: the same log lines for operators. */
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final SipFactories sip;
    private final LocalAddresses local;
    private final Map<InetAddress, SipProvider> providers;
    private final DestinationPolicy destinations;
    private final Predicate<Hop> clusterNodes;
    private final HandoffToken handoffToken;

    /** {@code clusterNodes}: whether a hop is a node of this server's cluster (never, on one machine). */
    Egress(SipFactories sip, LocalAddresses local, Map<InetAddress, SipProvider> providers,
            DestinationPolicy destinations, Predicate<Hop> clusterNodes, HandoffToken handoffToken) {
        this.sip = sip;
        this.local = local;
        this.providers = Map.copyOf(providers);
        this.destinations = destinations;
        this.clusterNodes = clusterNodes;
        this.handoffToken = handoffToken;
    }

    /**
     * The listener a request to {@code hop} leaves from; empty when the server may not send there
     * ({@code security.allowed-destinations}, which the nodes of the cluster pass: they reach each
     * other on networks where no phone is). Every request the server sends passes here, whatever
     * decided its hop (a binding, a Path, a Route, a Request-URI), so no path skips the rule.
     */
    Optional<LocalAddresses.Listener> listenerFor(Hop hop) {
        InetAddress address = IpLiteral.parse(hop.getHost());
        if (address == null || !destinations.allows(address) && !clusterNodes.test(hop)) {
            LOG.warn("not sending to {}: not an allowed destination", hop);
            return Optional.empty();
        }
        return local.listenerFor(hop.getTransport(), address instanceof Inet6Address);
    }

    /**
     * Whether a response no transaction of ours holds (the answer to a relayed request, a 2xx retransmitted after its
     * transaction ended) may go to {@code next}, the Via it follows back: such a response names its own destination,
     * and anyone can send us one, so it is held to {@link #listenerFor}'s rule (an allowed destination, or a node).
     */
    boolean mayAnswer(ViaHeader next) {
        String host = next.getReceived() != null ? next.getReceived() : next.getHost();
        InetAddress address = IpLiteral.parse(host);
        int port = next.getRPort() > 0 ? next.getRPort() : next.getPort();
        if (address != null && (destinations.allows(address)
                || clusterNodes.test(new HopImpl(host, port, next.getTransport())))) {
            return true;
        }
        // DEBUG, not WARN: anyone can send us such a response, and a line each would flood the log
        LOG.debug("not answering to {}: not an allowed destination", host);
        return false;
    }

    SipProvider providerFor(LocalAddresses.Listener l) {
        return providers.get(l.address());
    }

    /**
     * Our Via for {@code request} leaving from {@code l} to {@code hop}, asking for rport (RFC 3581); towards
     * another node of the cluster it carries this node's proof ({@link HandoffToken#hopProofFor}).
     */
    ViaHeader via(LocalAddresses.Listener l, Hop hop, Request request, String branch)
            throws ParseException, InvalidArgumentException {
        ViaHeader via = sip.headers().createViaHeader(l.address().getHostAddress(), l.port(), l.transport(), branch);
        via.setRPort();
        if (clusterNodes.test(hop)) {
            via.setParameter(HandoffToken.PARAM, handoffToken.hopProofFor(request, branch));
        }
        return via;
    }
}
