package org.liaison.sip.message;

import java.util.List;
import javax.sip.address.Hop;
import javax.sip.address.URI;

/**
 * One place a request is forwarded to (one branch of a fork).
 *
 * @param requestUri the Request-URI of the forwarded request (a device's Contact, or unchanged)
 * @param hop        where to send it: the device's flow, or the next Route
 * @param routes     Route header values to put on the request first (a binding's Path, RFC 3327)
 */
public record Target(URI requestUri, Hop hop, List<String> routes) {
    public Target {
        routes = List.copyOf(routes);
    }
}
