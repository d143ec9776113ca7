package org.liaison.sip.routing;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.config.ProxySettings;
import org.liaison.sip.media.MediaAnchor;
import org.liaison.sip.media.MediaRefusal;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;
import org.liaison.sip.proxy.HandoffToken;
import org.liaison.sip.proxy.IdentityAssertion;
import org.liaison.sip.proxy.RouteToken;
import org.liaison.sip.registrar.TargetResolver;
import org.liaison.sip.registrar.TargetResolver.Resolution;

/**
 * In-dialog requests (ACK, BYE, re-INVITE, UPDATE, INFO, REFER, NOTIFY, PRACK) follow the route set we
 * recorded, when the Route token proves we set the dialog up for these parties (see {@link RouteToken}),
 * and go only where the dialog leads. An ACK is never answered, only dropped.
 */
public final class InDialogHandler {
    private final LocalAddresses local;
    private final RouteToken routeToken;
    private final HandoffToken nodeProof;
    private final TargetResolver targets;
    private final MediaAnchor media;
    private final ProxySettings proxy;
    private final boolean tlsRequired;
    private final Refusals refusals;

    /** {@code tlsRequired}: our users' in-dialog requests are taken over TLS only. */
    public InDialogHandler(LocalAddresses local, RouteToken routeToken, HandoffToken nodeProof, TargetResolver targets,
            MediaAnchor media, ProxySettings proxy, boolean tlsRequired, SipFactories sip) {
        this.local = local;
        this.routeToken = routeToken;
        this.nodeProof = nodeProof;
        this.targets = targets;
        this.media = media;
        this.proxy = proxy;
        this.tlsRequired = tlsRequired;
        this.refusals = new Refusals(sip, local.domain());
    }

    /** {@code request}, whose Route entries naming us the router has removed ({@code routes}). */
    Outcome inDialog(Request request, OurRoutes routes, Flow source) {
        boolean ack = Request.ACK.equals(request.getMethod());
        if (!routes.consumed()) {
            return ack ? new Outcome.Drop("in-dialog ACK not routed through us")
                    : refusals.refuse(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
        }
        Optional<RouteToken.Dialog> dialog = routeToken.verify(request, routes.token());
        if (dialog.isEmpty()) {
            return ack ? new Outcome.Drop("in-dialog ACK with a forged, expired or foreign route")
                    : refusals.refuse(request, Response.FORBIDDEN, "Invalid route");
        }
        // a node's address alone could be a phone's behind the same NAT, or a spoofed UDP source: its Via proves it
        boolean fromNode = targets.isFromClusterNode(source) && nodeProof.sentByNode(request);
        if (tlsRequired && !"TLS".equals(source.transport()) && isOurParty(dialog.get().sender()) && !fromNode) {
            // our users send over TLS only, in dialogs too; a foreign domain's peer may not speak TLS, and another
            // node of the cluster forwards over the transport of its node URI
            return ack ? new Outcome.Drop("in-dialog ACK from a local user without TLS")
                    : refusals.tlsRequired(request);
        }
        IdentityAssertion.stripClaims(request);
        Resolution resolution = targets.inDialog(request.getRequestURI(), routes.next(), dialog.get().target(),
                peerOf(dialog.get()));
        if (resolution instanceof Resolution.NotFound n) {
            return ack ? new Outcome.Drop("in-dialog ACK to nowhere") : refusals.refuse(request, n.status(), n.reason());
        }
        // a call is anchored on the relay once (issue 10): by the node that took the request from the phone, which
        // polices and rewrites its SDP and its responses'; another node passes them on as they came
        if (fromNode) {
            media.passedOn(request);
        } else {
            Optional<MediaRefusal> refused = media.inDialog(request, source);
            if (refused.isPresent()) {
                return refusals.refuse(request, refused.get());
            }
        }
        List<Target> found = ((Resolution.Found) resolution).targets();
        // an ACK of a 2xx is its own transaction, which nobody answers: relayed as it comes (RFC 3261 §16.11)
        return ack ? new Outcome.Relay(request, found.get(0))
                : new Outcome.Forward(request, found, false, null, !fromNode);
    }

    /**
     * The addresses an in-dialog request may go to straight (beyond our own devices): an edge proxy,
     * the address the caller called from (a caller need not have registered), or, towards a callee
     * in a foreign domain the admin allowed, its peer wherever it is (still bound by
     * {@code security.allowed-destinations}).
     */
    private Predicate<InetAddress> peerOf(RouteToken.Dialog dialog) {
        if (dialog.fromCaller()) {
            boolean foreignCallee = !isOurParty(dialog.callee())
                    && proxy.foreignDomains().contains(dialog.callee().substring(dialog.callee().indexOf('@') + 1));
            return address -> foreignCallee || proxy.isEdgeProxy(address);
        }
        return address -> address.equals(dialog.callerAddress()) || proxy.isEdgeProxy(address);
    }

    /** Whether a dialog party ({@code user@host}, as in {@link RouteToken.Dialog}) is in our domain. */
    private boolean isOurParty(String party) {
        return local.isOurHost(party.substring(party.indexOf('@') + 1));
    }
}
