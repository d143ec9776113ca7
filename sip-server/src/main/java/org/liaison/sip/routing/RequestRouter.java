package org.liaison.sip.routing;

import java.net.InetAddress;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.sip.address.SipURI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.Group;
import org.liaison.sip.auth.DigestAuthenticator;
import org.liaison.sip.config.ClientCompatibility;
import org.liaison.sip.config.DestinationPolicy;
import org.liaison.sip.config.ProxySettings;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.media.MediaAnchor;
import org.liaison.sip.media.MediaRefusal;
import org.liaison.sip.message.Target;
import org.liaison.sip.messaging.GroupMessaging;
import org.liaison.sip.messaging.OfflineMessaging;
import org.liaison.sip.message.Flow;
import org.liaison.sip.proxy.IdentityAssertion;
import org.liaison.sip.proxy.LoopDetector;
import org.liaison.sip.proxy.RouteToken;
import org.liaison.sip.registrar.Registrar;
import org.liaison.sip.registrar.TargetResolver;

/**
 * Every request's path through the server, read top to bottom (in the spirit of Kamailio's
 * request_route): sanity checks, our own Route entries, in-dialog requests, then REGISTER, requests
 * to the server itself, and requests to users, each authenticated first. It decides; the edge and
 * the forwarder send.
 */
public final class RequestRouter {
    /** Methods whose dialogs must keep passing through us (RFC 3261 §16.6 step 4). */
    private static final Set<String> DIALOG_CREATING = Set.of(Request.INVITE, Request.SUBSCRIBE, Request.REFER);
    private static final List<String> ALLOW = List.of(Request.INVITE, Request.ACK, Request.CANCEL, Request.BYE,
            Request.OPTIONS, Request.REGISTER, Request.MESSAGE, Request.INFO, Request.UPDATE, Request.PRACK,
            Request.REFER, Request.SUBSCRIBE, Request.NOTIFY);
    private static final String PATH = "Path";

    private final LocalAddresses local;
    private final RequestAuthenticator authenticator;
    private final Registrar registrar;
    private final TargetResolver targets;
    private final AccountDirectory accounts;
    private final OfflineMessaging offline;
    private final GroupMessaging groups;
    private final RouteToken routeToken;
    private final LoopDetector loops;
    private final DestinationPolicy destinations;
    private final Set<String> foreignDomains;
    private final Responses responses;
    private final SipFactories sip;
    private final boolean tlsRequired;
    private final MediaAnchor media;
    private final IdentityAssertion identity;
    /** Sources whose REGISTER may carry a Path, and which in-dialog requests may be sent through. */
    private final Predicate<InetAddress> edgeProxies;

    /**
     * {@code tlsRequired}: local users' requests (out-of-dialog ones, and theirs in dialogs) are taken
     * over TLS only.
     */
    public RequestRouter(LocalAddresses local, DigestAuthenticator digest, AccountDirectory accounts,
            TargetResolver targets, Registrar registrar, RouteToken routeToken, ProxySettings proxy,
            ClientCompatibility compatibility, OfflineMessaging offline, GroupMessaging groups, SipFactories sip,
            boolean tlsRequired, MediaAnchor media) {
        this.local = local;
        this.tlsRequired = tlsRequired;
        this.responses = new Responses(sip);
        this.authenticator = new RequestAuthenticator(digest, sip, responses, local.domain(),
                compatibility.md5OnlyUserAgents());
        this.registrar = registrar;
        this.targets = targets;
        this.accounts = accounts;
        this.offline = offline;
        this.groups = groups;
        this.routeToken = routeToken;
        this.loops = new LoopDetector(local);
        this.destinations = proxy.destinations();
        this.foreignDomains = proxy.foreignDomains();
        this.sip = sip;
        this.media = media;
        this.identity = new IdentityAssertion(sip, local.domain());
        this.edgeProxies = proxy::isEdgeProxy;
    }

    public Outcome route(Request request, Flow source) {
        String method = request.getMethod();
        Optional<String> malformed = MalformedHeaders.first(request);
        if (malformed.isPresent()) {
            // the header's name (one of ours), never its text: that is the client's
            return Request.ACK.equals(method) ? new Outcome.Drop("malformed " + malformed.get())
                    : refuseUnauthenticated(request, Response.BAD_REQUEST, "Malformed " + malformed.get() + " header");
        }
        // RFC 3261 §16.3 step 3 (an OPTIONS for us with Max-Forwards 0 is still ours to answer, §11)
        MaxForwardsHeader maxForwards = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
        if (maxForwards != null && maxForwards.getMaxForwards() <= 0
                && !(Request.OPTIONS.equals(method) && isForThisServer(request))) {
            return refuseUnauthenticated(request, Response.TOO_MANY_HOPS, null);
        }
        // RFC 3261 §16.4: our own Route entries are consumed here
        OurRoutes routes = consumeOurRoutes(request);
        if (isInDialog(request)) {
            return inDialog(request, routes, source);
        }
        if (Request.ACK.equals(method)) {
            return new Outcome.Drop("ACK outside any dialog or transaction");
        }
        if (routes.next().isPresent()) {
            // a pre-loaded route beyond us would make us a relay to anywhere
            return refuseUnauthenticated(request, Response.FORBIDDEN, "Route not allowed");
        }
        if (!(request.getRequestURI() instanceof SipURI requestUri)) {
            return refuseUnauthenticated(request, Response.UNSUPPORTED_URI_SCHEME, null);
        }
        if (Request.OPTIONS.equals(method) && isForThisServer(request)) {
            return options(request);
        }
        if (tlsRequired && !"TLS".equals(source.transport())) {
            return tlsRequired(request);
        }
        if (Request.REGISTER.equals(method)) {
            return register(request, requestUri, source);
        }
        return toUser(request, requestUri, source);
    }

    /** RFC 3261 §10.3: the registrar, for our domain only, after digest authentication. */
    private Outcome register(Request request, SipURI requestUri, Flow source) {
        if (!local.isOurHost(requestUri.getHost())) {
            return refuseUnauthenticated(request, Response.FORBIDDEN, "Not our domain");
        }
        InetAddress from = IpLiteral.parse(source.remoteAddress());
        if (from == null || !destinations.allows(from)) {
            return refuseUnauthenticated(request, Response.FORBIDDEN, "Source address not allowed");
        }
        if (request.getHeader(PATH) != null && !edgeProxies.test(from)) {
            // RFC 3327 §5.3 leaves Path to the registrar's policy: a client naming our next hop towards
            // it would make us send anywhere, so only configured edge proxies may (proxy.edge-proxies);
            // a 403 rather than ignoring it, so a misconfigured edge proxy is noticed at once
            return refuseUnauthenticated(request, Response.FORBIDDEN, "Path accepted from edge proxies only");
        }
        RequestAuthenticator.Check check = authenticator.check(request, from, source);
        if (check instanceof RequestAuthenticator.Check.Passed p) {
            String user = p.account().username();
            Response response = registrar.register(request, user, source);
            // stored messages go out once the device has its 200 (RFC 3428 store and forward)
            Runnable deliver = response.getStatusCode() == Response.OK ? () -> offline.deviceRegistered(user) : () -> { };
            return new Outcome.Respond(response, deliver);
        }
        return Outcome.Respond.withoutTransaction(((RequestAuthenticator.Check.Challenge) check).response());
    }

    /**
     * A request to one of our users (or anywhere else): authenticated, then forked to every device;
     * an INVITE to a group rings every member's devices.
     */
    private Outcome toUser(Request request, SipURI requestUri, Flow source) {
        InetAddress from = IpLiteral.parse(source.remoteAddress());
        if (from == null) {
            return refuseUnauthenticated(request, Response.FORBIDDEN, null);
        }
        RequestAuthenticator.Check check = authenticator.check(request, from, source);
        if (check instanceof RequestAuthenticator.Check.Challenge c) {
            return Outcome.Respond.withoutTransaction(c.response());
        }
        Account caller = ((RequestAuthenticator.Check.Passed) check).account();
        authenticator.removeOurCredentials(request);
        if (!isFromAccount(request, caller)) {
            // the credentials of one user must not send as another (caller ID spoofing)
            return respond(request, Response.FORBIDDEN, "From does not match the credentials");
        }
        identity.assertCaller(request, caller);
        boolean ours = local.isOurHost(requestUri.getHost());
        if (!ours && !foreignDomains.contains(requestUri.getHost().toLowerCase(Locale.ROOT))) {
            // no open relay: requests for other domains are refused unless the admin allowed them (toll fraud)
            return respond(request, Response.FORBIDDEN, "Relaying forbidden");
        }
        if (loops.isLoop(request)) {
            return respond(request, Response.LOOP_DETECTED, null);
        }
        Optional<Response> tooLarge = offline.refuseIfTooLarge(request);
        if (tooLarge.isPresent()) {
            return new Outcome.Respond(tooLarge.get());
        }
        if (ours && Request.MESSAGE.equals(request.getMethod()) && requestUri.getUser() != null) {
            String name = requestUri.getUser().toLowerCase(Locale.ROOT);
            List<Account> members = accounts.resolve(name).isPresent() ? List.of() : groups.members(name);
            if (!members.isEmpty()) {
                return groups.post(request, caller, name, members);
            }
        }
        Optional<Group> ringGroup = ours && Request.INVITE.equals(request.getMethod()) ? calledGroup(requestUri)
                : Optional.empty();
        TargetResolver.Resolution resolution = !ours ? targets.foreign(requestUri)
                : ringGroup.isPresent() ? targets.forGroup(ringGroup.get(), caller) : targets.forUser(requestUri);
        Optional<String> recipient = ours && requestUri.getUser() != null && OfflineMessaging.isStorable(request)
                ? accounts.resolve(requestUri.getUser().toLowerCase(Locale.ROOT)).map(Account::username)
                : Optional.empty();
        if (Request.MESSAGE.equals(request.getMethod())) {
            offline.accepted();
        }
        if (resolution instanceof TargetResolver.Resolution.NotFound n) {
            if (recipient.isPresent() && n.status() == Response.TEMPORARILY_UNAVAILABLE) {
                return new Outcome.Respond(offline.storeForLater(request, recipient.get()));
            }
            return respond(request, n.status(), n.reason());
        }
        List<Target> found = ((TargetResolver.Resolution.Found) resolution).targets();
        if (requestUri.isSecure()) {
            // RFC 5630 §4.1: sips: asks for TLS on every hop, the last one included
            found = found.stream().filter(t -> "TLS".equalsIgnoreCase(t.hop().getTransport())).toList();
            if (found.isEmpty()) {
                return respond(request, Response.TEMPORARILY_UNAVAILABLE, "No device reachable over TLS");
            }
        }
        if (Request.INVITE.equals(request.getMethod())) {
            Optional<MediaRefusal> refused = media.offerToDevices(request, source,
                    found.stream().anyMatch(RequestRouter::isBehindNat));
            if (refused.isPresent()) {
                return refuse(request, refused.get());
            }
        }
        return new Outcome.Forward(request, found, DIALOG_CREATING.contains(request.getMethod()),
                recipient.<java.util.function.Supplier<Response>>map(r -> () -> offline.storeForLater(request, r))
                        .orElse(null));
    }

    /** The group an INVITE's Request-URI names by id or extension, when it names no user (users come first). */
    private Optional<Group> calledGroup(SipURI requestUri) {
        if (requestUri.getUser() == null) {
            return Optional.empty();
        }
        String userPart = requestUri.getUser().toLowerCase(Locale.ROOT);
        return accounts.resolve(userPart).isPresent() ? Optional.empty() : accounts.resolveGroup(userPart);
    }

    /**
     * In-dialog requests follow the route set we recorded, when the Route token proves we set the
     * dialog up for these parties (see {@link RouteToken}), and go only where the dialog leads.
     */
    private Outcome inDialog(Request request, OurRoutes routes, Flow source) {
        boolean ack = Request.ACK.equals(request.getMethod());
        if (!routes.consumed()) {
            if (Request.OPTIONS.equals(request.getMethod()) && isForThisServer(request)) {
                return options(request);
            }
            return ack ? new Outcome.Drop("in-dialog ACK not routed through us")
                    : respond(request, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
        }
        Optional<RouteToken.Dialog> dialog = routeToken.verify(request, routes.token());
        if (dialog.isEmpty()) {
            return ack ? new Outcome.Drop("in-dialog ACK with a forged, expired or foreign route")
                    : respond(request, Response.FORBIDDEN, "Invalid route");
        }
        if (tlsRequired && !"TLS".equals(source.transport()) && isOurParty(dialog.get().sender())) {
            // our users send over TLS only, in dialogs too; a foreign domain's peer may not speak TLS
            return ack ? new Outcome.Drop("in-dialog ACK from a local user without TLS") : tlsRequired(request);
        }
        IdentityAssertion.stripClaims(request);
        TargetResolver.Resolution resolution = targets.inDialog(request.getRequestURI(), routes.next(),
                dialog.get().target(), peerOf(dialog.get()));
        if (resolution instanceof TargetResolver.Resolution.NotFound n) {
            return ack ? new Outcome.Drop("in-dialog ACK to nowhere") : respond(request, n.status(), n.reason());
        }
        Optional<MediaRefusal> refused = media.inDialog(request, source);
        if (refused.isPresent()) {
            return refuse(request, refused.get());
        }
        return new Outcome.Forward(request, ((TargetResolver.Resolution.Found) resolution).targets(), false);
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
                    && foreignDomains.contains(dialog.callee().substring(dialog.callee().indexOf('@') + 1));
            return address -> foreignCallee || edgeProxies.test(address);
        }
        return address -> address.equals(dialog.callerAddress()) || edgeProxies.test(address);
    }

    /** Whether a dialog party ({@code user@host}, see {@link RouteToken#party}) is in our domain. */
    private boolean isOurParty(String party) {
        return local.isOurHost(party.substring(party.indexOf('@') + 1));
    }

    /**
     * 403 (RFC 3261 §21.4.4: understood, refused, and authorization will not help) before any
     * challenge, so a client never sends its digest, nor later its SDES keys, in clear text; the
     * Warning (399, §20.43) tells a person reading the client's log what to change.
     */
    private Outcome tlsRequired(Request request) {
        Response response = responses.create(request, Response.FORBIDDEN, "TLS Required");
        try {
            response.addHeader(sip.headers().createWarningHeader(local.domain(), 399,
                    "Use TLS: this server takes registrations and calls over sips: or transport=tls only"));
        } catch (ParseException | javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        return Outcome.Respond.withoutTransaction(response);
    }

    /** Keep-alives and capability queries (RFC 3261 §11) addressed to the server. */
    private Outcome options(Request request) {
        Response ok = responses.create(request, Response.OK);
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

    private record OurRoutes(boolean consumed, String token, Optional<SipURI> next) {
    }

    /** Removes the Route entries naming this server (one, or two for a transport change, RFC 5658). */
    private OurRoutes consumeOurRoutes(Request request) {
        boolean consumed = false;
        String token = null;
        while (request.getHeader(RouteHeader.NAME) instanceof RouteHeader route
                && route.getAddress().getURI() instanceof SipURI uri && local.isThisServer(uri)) {
            consumed = true;
            token = token != null ? token : uri.getParameter(RouteToken.PARAM);
            request.removeFirst(RouteHeader.NAME);
        }
        Optional<SipURI> next = Optional.empty();
        if (request.getHeader(RouteHeader.NAME) instanceof RouteHeader route
                && route.getAddress().getURI() instanceof SipURI uri) {
            next = Optional.of(uri);
        }
        return new OurRoutes(consumed, token, next);
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

    /** A device reached at another address than its Contact's registered from behind a NAT. */
    private static boolean isBehindNat(Target target) {
        return target.requestUri() instanceof SipURI contact
                && !Objects.equals(IpLiteral.parse(contact.getHost()), IpLiteral.parse(target.hop().getHost()));
    }

    /** An offer the media policy or the relay refused: the reason goes in a Warning (RFC 3261 §20.43). */
    private Outcome refuse(Request request, MediaRefusal refusal) {
        Response response = responses.create(request, refusal.status());
        try {
            response.addHeader(sip.headers().createWarningHeader(local.domain(), 399, refusal.warning()));
            if (refusal.retryAfterSeconds() > 0) {
                response.addHeader(sip.headers().createRetryAfterHeader(refusal.retryAfterSeconds()));
            }
        } catch (ParseException | javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException("cannot build a media refusal", e);
        }
        return new Outcome.Respond(response);
    }

    private Outcome respond(Request request, int status, String reason) {
        return new Outcome.Respond(responses.create(request, status, reason));
    }

    /** Refuses a request that has not authenticated (yet) without keeping state for it: see {@link Outcome.Respond}. */
    private Outcome refuseUnauthenticated(Request request, int status, String reason) {
        return Outcome.Respond.withoutTransaction(responses.create(request, status, reason));
    }
}
