package org.liaison.sip.routing;

import java.util.List;
import javax.sip.address.SipURI;
import javax.sip.message.Response;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Target;
import org.liaison.sip.registrar.TargetResolver;
import org.liaison.sip.registrar.TargetResolver.Resolution;

/** Where a new request for a user goes, whatever its method (RFC 3261 §16.5). */
final class UserTargets {
    private final LocalAddresses local;
    private final TargetResolver targets;

    UserTargets(LocalAddresses local, TargetResolver targets) {
        this.local = local;
        this.targets = targets;
    }

    /** Every device of the user our domain's Request-URI names; else the host of a foreign domain the router let by. */
    Resolution of(SipURI requestUri) {
        return local.isOurHost(requestUri.getHost()) ? targets.forUser(requestUri) : targets.foreign(requestUri);
    }

    /** The targets a request to {@code requestUri} may go to: for {@code sips:} only those over TLS, else 480. */
    static Resolution securedFor(SipURI requestUri, List<Target> found) {
        if (!requestUri.isSecure()) {
            return new Resolution.Found(found);
        }
        // RFC 5630 §4.1: sips: asks for TLS on every hop, the last one included
        List<Target> overTls = found.stream().filter(t -> "TLS".equalsIgnoreCase(t.hop().getTransport())).toList();
        return overTls.isEmpty()
                ? new Resolution.NotFound(Response.TEMPORARILY_UNAVAILABLE, "No device reachable over TLS")
                : new Resolution.Found(overTls);
    }
}
