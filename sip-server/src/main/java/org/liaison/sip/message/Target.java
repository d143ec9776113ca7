package org.liaison.sip.message;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sip.address.Hop;
import javax.sip.address.URI;

/**
 * One place a request is forwarded to (one branch of a fork).
 *
 * @param requestUri  the Request-URI of the forwarded request (a device's Contact, or unchanged)
 * @param hop         where to send it: the device's flow, or the next Route
 * @param routes      Route header values to put on the request first (a binding's Path, RFC 3327)
 * @param owningNode  in a cluster, the node (its {@code cluster.node-uri}) that holds the device's flow when
 *                    that is another node: {@code routes} then start with that node's URI, which the copy's
 *                    handoff token goes into; empty otherwise
 */
public record Target(URI requestUri, Hop hop, List<String> routes, Optional<String> owningNode) {
    public Target {
        routes = List.copyOf(routes);
        Objects.requireNonNull(owningNode, "owningNode");
    }

    /** A target this node sends to itself. */
    public Target(URI requestUri, Hop hop, List<String> routes) {
        this(requestUri, hop, routes, Optional.empty());
    }
}
