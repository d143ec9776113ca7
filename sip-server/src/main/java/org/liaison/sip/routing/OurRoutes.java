package org.liaison.sip.routing;

import java.util.Optional;
import javax.sip.address.SipURI;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.proxy.HandoffToken;
import org.liaison.sip.proxy.RouteToken;
import org.liaison.sip.registrar.TargetResolver;

/**
 * The Route entries naming this server, once removed from a request (RFC 3261 §16.4).
 *
 * @param consumed whether the request named us in a Route at all
 * @param token    the {@code ltok} of our first Route entry (null when none)
 * @param handoff  the {@code lnode} of our Route entries (null when none): another node of the cluster hands
 *                 us a request for a device whose flow ends here ({@link HandoffToken})
 * @param handedFor the AoR of that device's binding, as the sending node names it
 *                 ({@link TargetResolver#HANDED_FOR_PARAM}; null when none)
 * @param next     the next Route beyond us, if any
 */
record OurRoutes(boolean consumed, String token, String handoff, String handedFor, Optional<SipURI> next) {
    /** Removes the Route entries naming this server (one, or two for a transport change, RFC 5658). */
    static OurRoutes consume(Request request, LocalAddresses local) {
        boolean consumed = false;
        String token = null;
        String handoff = null;
        String handedFor = null;
        while (request.getHeader(RouteHeader.NAME) instanceof RouteHeader route
                && route.getAddress().getURI() instanceof SipURI uri && local.isThisServer(uri)) {
            consumed = true;
            token = token != null ? token : uri.getParameter(RouteToken.PARAM);
            handoff = handoff != null ? handoff : uri.getParameter(HandoffToken.PARAM);
            handedFor = handedFor != null ? handedFor : uri.getParameter(TargetResolver.HANDED_FOR_PARAM);
            request.removeFirst(RouteHeader.NAME);
        }
        Optional<SipURI> next = Optional.empty();
        if (request.getHeader(RouteHeader.NAME) instanceof RouteHeader route
                && route.getAddress().getURI() instanceof SipURI uri) {
            next = Optional.of(uri);
        }
        return new OurRoutes(consumed, token, handoff, handedFor, next);
    }
}
