package org.liaison.sip.proxy;

import java.net.InetAddress;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.Address;
import javax.sip.address.Hop;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.message.Request;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.FlowRouter;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;

/** The copy of a request the proxy sends to one target: RFC 3261 §16.6 steps 1-7 (the Via is added on sending). */
final class RequestCopies {
    private static final int DEFAULT_MAX_FORWARDS = 70;

    private final SipFactories sip;
    private final LocalAddresses local;
    private final RouteToken routeToken;
    private final HandoffToken handoffToken;
    private final Egress egress;

    RequestCopies(SipFactories sip, LocalAddresses local, RouteToken routeToken, HandoffToken handoffToken,
            Egress egress) {
        this.sip = sip;
        this.local = local;
        this.routeToken = routeToken;
        this.handoffToken = handoffToken;
        this.egress = egress;
    }

    /** RFC 3261 §16.6 steps 1-8 for one target: copy, retarget, Max-Forwards, Record-Route, Route. */
    Request prepare(Request request, Target target, boolean recordRoute, Flow source) {
        Request copy = (Request) request.clone();
        try {
            copy.setRequestURI(target.requestUri());
            MaxForwardsHeader mf = (MaxForwardsHeader) copy.getHeader(MaxForwardsHeader.NAME);
            if (mf == null) {
                copy.addHeader(sip.headers().createMaxForwardsHeader(DEFAULT_MAX_FORWARDS));
            } else {
                mf.decrementMaxForwards();
            }
            if (recordRoute) {
                addRecordRoute(copy, target.hop(), source, isSips(request.getRequestURI()));
            }
            addRoutes(copy, target);
        } catch (ParseException | InvalidArgumentException | SipException e) {
            throw new IllegalStateException("cannot prepare a forwarded " + request.getMethod(), e);
        }
        FlowRouter.pin(copy, target.hop());
        return copy;
    }

    /**
     * Puts the target's routes (a Path, RFC 3327 §5.3; a handoff to the node owning the device's flow) on
     * {@code request}, whose Request-URI is already the target's: the handoff's Route gets the token binding it.
     */
    void addRoutes(Request request, Target target) throws ParseException, SipException {
        List<String> routes = target.routes();
        for (int i = routes.size() - 1; i >= 0; i--) {
            Address address = sip.addresses().createAddress(routes.get(i));
            if (i == 0 && target.owningNode().isPresent() && address.getURI() instanceof SipURI node) {
                node.setParameter(HandoffToken.PARAM, handoffToken.tokenFor(request, target.owningNode().get()));
            }
            request.addFirst(sip.headers().createRouteHeader(address));
        }
    }

    private static boolean isSips(URI uri) {
        return uri instanceof SipURI sipUri && sipUri.isSecure();
    }

    /**
     * One Record-Route, or two when the request changes transport or address family (RFC 5658);
     * {@code sips:} ones for a {@code sips:} request (RFC 3261 §16.6 step 4).
     */
    private void addRecordRoute(Request copy, Hop hop, Flow source, boolean sips) throws ParseException, SipException {
        String token = routeToken.tokenFor(copy, IpLiteral.parse(source.remoteAddress()));
        Optional<LocalAddresses.Listener> out = egress.listenerFor(hop);
        Optional<LocalAddresses.Listener> in = local.listeners().stream()
                .filter(l -> l.transport().equalsIgnoreCase(source.transport())
                        && l.address().getHostAddress().equals(normalize(source.localAddress()))
                        && l.port() == source.localPort())
                .findFirst();
        if (in.isPresent() && !in.equals(out)) {
            copy.addFirst(recordRoute(in.get(), token, sips));
        }
        if (out.isPresent()) {
            copy.addFirst(recordRoute(out.get(), token, sips));
        }
    }

    private RecordRouteHeader recordRoute(LocalAddresses.Listener l, String token, boolean sips)
            throws ParseException {
        SipURI uri = sip.addresses().createSipURI(null, l.uriHost());
        uri.setPort(l.port());
        if (sips && "TLS".equals(l.transport())) {
            uri.setSecure(true); // sips: means TLS; RFC 5630 §4.1 deprecates transport=tls with it
        } else {
            uri.setTransportParam(l.transport().toLowerCase(Locale.ROOT));
        }
        uri.setLrParam();
        uri.setParameter(RouteToken.PARAM, token);
        return sip.headers().createRecordRouteHeader(sip.addresses().createAddress(uri));
    }

    private static String normalize(String address) {
        InetAddress a = IpLiteral.parse(address);
        return a == null ? address : a.getHostAddress();
    }
}
