package org.liaison.sip.routing;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;
import org.liaison.sip.proxy.HandoffToken;
import org.liaison.sip.proxy.RouteToken;
import org.liaison.sip.registrar.Binding;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.Registrar;
import org.liaison.sip.registrar.TargetResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request another node of the cluster hands us for a device whose flow ends here (a TCP/TLS connection, a NAT's
 * pinhole; issue 10): the Route naming us carries a {@link HandoffToken}. The node that sent it authenticated the
 * caller and asserted its identity, so we ask for no credentials again; the token, which only a node can make, is
 * what keeps this from being an open relay. We send it only to a device registered on this node whose Contact the
 * Request-URI names (the token binds that Request-URI), on its flow, and record-route a dialog the sending node
 * record-routed, so in-dialog requests and CANCEL follow caller, that node, us, device, both ways.
 */
public final class NodeHandoff {
    private static final Logger LOG = LoggerFactory.getLogger(NodeHandoff.class);

    private final String self;
    private final HandoffToken token;
    private final LocationService locations;
    private final TargetResolver targets;
    private final Refusals refusals;

    /** {@code self}: this node's {@code cluster.node-uri}, empty on one machine (where nothing is handed over). */
    public NodeHandoff(String self, HandoffToken token, LocationService locations, TargetResolver targets,
            SipFactories sip, String domain) {
        this.self = self;
        this.token = token;
        this.locations = locations;
        this.targets = targets;
        this.refusals = new Refusals(sip, domain);
    }

    /**
     * What to do with {@code request}, whose Route entries naming us the router removed ({@code routes}), when they
     * hand it over with a token that verifies; empty otherwise: the request is then anyone's, and gets what anyone
     * gets (a challenge, a refusal).
     */
    Optional<Outcome> take(Request request, OurRoutes routes, Flow source) {
        if (!token.verify(request, routes.handoff(), self)) {
            return Optional.empty();
        }
        String method = request.getMethod();
        boolean ack = Request.ACK.equals(method);
        // what follows our Route is the binding's Path, which our own binding gives again below
        request.removeHeader(RouteHeader.NAME);
        Optional<Target> device = bindingNamed(request.getRequestURI(), routes.handedFor())
                .filter(binding -> self.equals(binding.node()))
                .flatMap(targets::deviceTarget);
        if (device.isEmpty()) {
            // moved to another node or gone since the sender looked: it hears this and may try elsewhere
            LOG.debug("handed {} for {}, not registered on this node", request.getMethod(), request.getRequestURI());
            return Optional.of(ack ? new Outcome.Drop("handed-over ACK for a device not registered here")
                    : refusals.refuse(request, Response.TEMPORARILY_UNAVAILABLE, "Not registered on this node"));
        }
        boolean recordRoute = isRecordRouted(request);
        if (ack || !recordRoute && isRelayedStatelessly(method, source)) {
            return Optional.of(new Outcome.Relay(request, device.get()));
        }
        // the sending node took the request from the phone and did its media work, its responses' too
        return Optional.of(new Outcome.Forward(request, List.of(device.get()), recordRoute, null, false));
    }

    /**
     * Whether a handed-over request needs no transaction here: the sending node's client transaction retransmits it
     * over UDP until the device answers, and we only pass it on, as a stateless proxy does (RFC 3261 §16.11), which
     * spares this node a server and a client transaction per request, and the young collections their 32 s of timer J
     * cost (docs/BENCHMARKS.md, 2026-12-07 21:27). Stateful stay: an
     * INVITE (its 100 Trying and CANCEL are per hop), a BYE (presence hears of the call's end from the forwarder), a
     * dialog we record-route, and whatever came over TCP or TLS, which nobody retransmits, so that we retransmit it
     * to a device on UDP.
     */
    private static boolean isRelayedStatelessly(String method, Flow source) {
        return "UDP".equals(source.transport()) && !Request.INVITE.equals(method) && !Request.BYE.equals(method);
    }

    /**
     * The binding a handed-over Request-URI names: a device's Contact (what a new request carries), looked for first
     * among the bindings of the AoR the sending node named ({@code handedFor}, null when it named none), or its GRUU
     * (the remote target of a dialog with a device that gave its GRUU as Contact, RFC 5627 §5.3).
     */
    private Optional<Binding> bindingNamed(URI requestUri, String handedFor) {
        if (requestUri instanceof SipURI uri && uri.getUser() != null) {
            Optional<String> instance = Registrar.instanceFromGruu(uri);
            if (instance.isPresent()) {
                return locations.findByInstance(uri.getUser().toLowerCase(Locale.ROOT), instance.get());
            }
        }
        String contact = requestUri.toString();
        Optional<Binding> named = handedFor == null ? Optional.empty() : locations.findInAor(handedFor, contact);
        return named.or(() -> locations.findByContact(contact));
    }

    /** A dialog-creating request the sending node record-routed (its Record-Route, on top, carries our route token). */
    private static boolean isRecordRouted(Request request) {
        boolean inDialog = ((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null;
        return !inDialog && request.getHeader(RecordRouteHeader.NAME) instanceof RecordRouteHeader top
                && top.getAddress().getURI() instanceof SipURI uri && uri.getParameter(RouteToken.PARAM) != null;
    }
}
