package org.liaison.sip.routing;

import java.util.List;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** What the router decided for a request; the edge carries it out. */
public sealed interface Outcome {
    /** Answer the request with this response. */
    record Respond(Response response) implements Outcome {
    }

    /**
     * Forward the (already adjusted) request to every target in parallel (RFC 3261 §16.6), adding
     * Record-Route when {@code recordRoute} is set.
     */
    record Forward(Request request, List<Target> targets, boolean recordRoute) implements Outcome {
        public Forward {
            targets = List.copyOf(targets);
        }
    }

    /** Nothing to send (an ACK that belongs nowhere, RFC 3261 §16.3). */
    record Drop(String why) implements Outcome {
    }
}
