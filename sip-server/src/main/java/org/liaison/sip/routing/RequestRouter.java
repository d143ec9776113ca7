package org.liaison.sip.routing;

import java.net.InetAddress;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sip.address.SipURI;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.provisioning.Account;
import org.liaison.sip.cluster.SharedStateUnavailable;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.presence.PresenceHandler;
import org.liaison.sip.proxy.IdentityAssertion;
import org.liaison.sip.proxy.LoopDetector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every request's path through the server, read top to bottom (in the spirit of Kamailio's
 * request_route): sanity checks, our own Route entries, requests another node of the cluster hands
 * us, in-dialog requests, requests to the server itself, authentication, then one handler per method: REGISTER, INVITE, MESSAGE, presence SUBSCRIBE, and plain
 * forwarding for the rest. CANCEL never gets here: {@code SipEdge} hands it to the Forwarder, which
 * answers it hop by hop (RFC 3261 §16.10). The router and its handlers decide; the edge and the
 * forwarder send.
 */
public final class RequestRouter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);
    private static final List<String> ALLOW = List.of(Request.INVITE, Request.ACK, Request.CANCEL, Request.BYE,
            Request.OPTIONS, Request.REGISTER, Request.MESSAGE, Request.INFO, Request.UPDATE, Request.PRACK,
            Request.REFER, Request.SUBSCRIBE, Request.NOTIFY, Request.PUBLISH);

    private final LocalAddresses local;
    private final RequestAuthenticator authenticator;
    private final NodeHandoff handoffs;
    private final InDialogHandler inDialog;
    private final RegisterHandler registrations;
    private final InviteHandler invites;
    private final MessageHandler messages;
    private final ForwardingHandler others;
    private final PresenceHandler presence;
    private final LoopDetector loops;
    private final IdentityAssertion identity;
    private final Set<String> foreignDomains;
    private final boolean tlsRequired;
    private final SipFactories sip;
    private final Refusals refusals;

    /**
     * {@code foreignDomains}: the domains beside ours that our users may send to
     * ({@code proxy.foreign-domains}); {@code tlsRequired}: local users' out-of-dialog requests are
     * taken over TLS only.
     */
    public RequestRouter(LocalAddresses local, RequestAuthenticator authenticator, NodeHandoff handoffs,
            InDialogHandler inDialog, RegisterHandler registrations, InviteHandler invites, MessageHandler messages, ForwardingHandler others,
            PresenceHandler presence, Set<String> foreignDomains, boolean tlsRequired, SipFactories sip) {
        this.local = local;
        this.authenticator = authenticator;
        this.handoffs = handoffs;
        this.inDialog = inDialog;
        this.registrations = registrations;
        this.invites = invites;
        this.messages = messages;
        this.others = others;
        this.presence = presence;
        this.loops = new LoopDetector(local);
        this.identity = new IdentityAssertion(sip, local.domain());
        this.foreignDomains = Set.copyOf(foreignDomains);
        this.tlsRequired = tlsRequired;
        this.sip = sip;
        this.refusals = new Refusals(sip, local.domain());
    }

    /**
     * The one place where shared state being out of reach (cluster mode: the Redis that holds the
     * registrations) becomes an answer: 503 with Retry-After (RFC 3261 §21.5.4, §20.33) for every
     * request whose routing needed it (REGISTER, a lookup of a user's devices or GRUU, an in-dialog
     * request to one of our users), sent without a transaction so an outage keeps no state per
     * request. {@code SharedStateHealth} logs the outage once; each refusal is DEBUG.
     */
    public Outcome route(Request request, Flow source) {
        try {
            return routeRequest(request, source);
        } catch (SharedStateUnavailable e) {
            LOG.debug("{} from {}:{} refused, shared state unreachable: {}", request.getMethod(),
                    source.remoteAddress(), source.remotePort(), e.getMessage());
            return Request.ACK.equals(request.getMethod()) ? new Outcome.Drop("shared state unreachable")
                    : refusals.sharedStateUnavailable(request);
        }
    }

    private Outcome routeRequest(Request request, Flow source) {
        String method = request.getMethod();
        Optional<String> malformed = MalformedHeaders.first(request);
        if (malformed.isPresent()) {
            // the header's name (one of ours), never its text: that is the client's
            return Request.ACK.equals(method) ? new Outcome.Drop("malformed " + malformed.get())
                    : refusals.refuseUnauthenticated(request, Response.BAD_REQUEST,
                            "Malformed " + malformed.get() + " header");
        }
        // RFC 3261 §16.3 step 3 (an OPTIONS for us with Max-Forwards 0 is still ours to answer, §11)
        MaxForwardsHeader maxForwards = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
        if (maxForwards != null && maxForwards.getMaxForwards() <= 0
                && !(Request.OPTIONS.equals(method) && isForThisServer(request))) {
            return refusals.refuseUnauthenticated(request, Response.TOO_MANY_HOPS, null);
        }
        // RFC 3261 §16.4: our own Route entries are consumed here
        OurRoutes routes = OurRoutes.consume(request, local);
        // another node of the cluster hands us a request for a device whose flow ends here (issue 10)
        Optional<Outcome> handedOver = handoffs.take(request, routes, source);
        if (handedOver.isPresent()) {
            return handedOver.get();
        }
        if (isInDialog(request)) {
            // a SUBSCRIBE refreshing a subscription the server holds itself (RFC 6665 §4.1.2.2)
            Optional<Outcome> refresh = presence.inDialog(request, source);
            if (refresh.isPresent()) {
                return refresh.get();
            }
            if (!routes.consumed() && Request.OPTIONS.equals(method) && isForThisServer(request)) {
                return options(request);
            }
            return inDialog.inDialog(request, routes, source);
        }
        if (Request.ACK.equals(method)) {
            return new Outcome.Drop("ACK outside any dialog or transaction");
        }
        if (routes.next().isPresent()) {
            // a pre-loaded route beyond us would make us a relay to anywhere
            return refusals.refuseUnauthenticated(request, Response.FORBIDDEN, "Route not allowed");
        }
        if (!(request.getRequestURI() instanceof SipURI requestUri)) {
            return refusals.refuseUnauthenticated(request, Response.UNSUPPORTED_URI_SCHEME, null);
        }
        if (Request.OPTIONS.equals(method) && isForThisServer(request)) {
            return options(request);
        }
        if (tlsRequired && !"TLS".equals(source.transport())) {
            return refusals.tlsRequired(request);
        }
        InetAddress from = IpLiteral.parse(source.remoteAddress());
        if (Request.REGISTER.equals(method)) {
            if (registrations.isBeingStored(request, source)) {
                return new Outcome.Drop("retransmission of a REGISTER whose answer is on its way");
            }
            Optional<Outcome> refused = registrations.refuseBeforeChallenge(request, requestUri, from);
            if (refused.isPresent()) {
                return refused.get();
            }
        } else if (from == null) {
            return refusals.refuseUnauthenticated(request, Response.FORBIDDEN, null);
        }
        RequestAuthenticator.Check check = authenticator.check(request, from, source);
        if (check instanceof RequestAuthenticator.Check.Challenge c) {
            return Outcome.Respond.withoutTransaction(c.response());
        }
        Account caller = ((RequestAuthenticator.Check.Passed) check).account();
        if (Request.REGISTER.equals(method)) {
            return registrations.register(request, caller.username(), source);
        }
        Optional<Outcome> refused = refuseCaller(request, requestUri, caller);
        if (refused.isPresent()) {
            return refused.get();
        }
        return switch (method) {
            case Request.INVITE -> invites.invite(request, requestUri, caller, source);
            case Request.MESSAGE -> messages.message(request, requestUri, caller);
            default -> presence.handles(request) ? presence.handle(request, requestUri, caller, source)
                    : others.forward(request, requestUri);
        };
    }

    /**
     * What every authenticated request to a user must pass, whatever its method: the caller sends as
     * itself (its identity asserted, RFC 3325), to our domain or one the admin allowed, and not in a loop.
     */
    private Optional<Outcome> refuseCaller(Request request, SipURI requestUri, Account caller) {
        authenticator.removeOurCredentials(request);
        if (!isFromAccount(request, caller)) {
            // the credentials of one user must not send as another (caller ID spoofing)
            return Optional.of(refusals.refuse(request, Response.FORBIDDEN, "From does not match the credentials"));
        }
        identity.assertCaller(request, caller);
        if (!local.isOurHost(requestUri.getHost())
                && !foreignDomains.contains(requestUri.getHost().toLowerCase(Locale.ROOT))) {
            // no open relay: requests for other domains are refused unless the admin allowed them (toll fraud)
            return Optional.of(refusals.refuse(request, Response.FORBIDDEN, "Relaying forbidden"));
        }
        if (loops.isLoop(request)) {
            return Optional.of(refusals.refuse(request, Response.LOOP_DETECTED, null));
        }
        return Optional.empty();
    }

    /** Keep-alives and capability queries (RFC 3261 §11) addressed to the server. */
    private Outcome options(Request request) {
        Response ok = new Responses(sip).create(request, Response.OK);
        try {
            for (String method : ALLOW) {
                ok.addHeader(sip.headers().createAllowHeader(method));
            }
            ok.addHeader(sip.headers().createHeader("Accept", "application/sdp"));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        return Outcome.Respond.withoutTransaction(ok);
    }

    private boolean isForThisServer(Request request) {
        return request.getRequestURI() instanceof SipURI uri
                && (uri.getUser() == null || uri.getUser().isEmpty()) && local.isOurHost(uri.getHost());
    }

    private static boolean isInDialog(Request request) {
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        return to != null && to.getTag() != null;
    }

    private boolean isFromAccount(Request request, Account account) {
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        return from.getAddress().getURI() instanceof SipURI uri && uri.getUser() != null
                && uri.getUser().toLowerCase(Locale.ROOT).equals(account.username())
                && local.isOurHost(uri.getHost());
    }
}
