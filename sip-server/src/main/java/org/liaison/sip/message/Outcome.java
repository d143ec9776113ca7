package org.liaison.sip.message;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** What the router decided for a request; the edge carries it out. */
public sealed interface Outcome {
    /**
     * Answer the request with this response, then run {@code afterSent} (e.g. deliver stored messages). When
     * {@code stateless}, the response is sent without a server transaction: nothing is kept and nothing is
     * retransmitted, so a request from a forged source draws exactly one answer (a challenge, or the refusal of a
     * request that proved nothing yet), and the registrar's answers. A retransmitted request is simply answered
     * again (a retransmitted REGISTER: challenged again, its nonce-count being spent).
     */
    record Respond(Response response, Runnable afterSent, boolean stateless) implements Outcome {
        public Respond(Response response, Runnable afterSent) {
            this(response, afterSent, false);
        }

        public Respond(Response response) {
            this(response, () -> { }, false);
        }

        /** An answer to a request that has not authenticated: no transaction, like Kamailio's sl_send_reply. */
        public static Respond withoutTransaction(Response response) {
            return new Respond(response, () -> { }, true);
        }
    }

    /**
     * Forward the (already adjusted) request to every target in parallel (RFC 3261 §16.6), adding
     * Record-Route when {@code recordRoute} is set. When no target could be reached (every branch
     * timed out, was unreachable or unavailable) and {@code whenUnreachable} is given, its response
     * goes upstream instead of the best failure (a MESSAGE stored for later: 202). {@code anchorsMedia}: this node
     * does the media work of the request's responses; false when another node of the cluster took the request from
     * the phone and does it (issue 10: a call is anchored on the relay once).
     */
    record Forward(Request request, List<Target> targets, boolean recordRoute, Supplier<Response> whenUnreachable,
            boolean anchorsMedia) implements Outcome {
        public Forward {
            targets = List.copyOf(targets);
        }

        public Forward(Request request, List<Target> targets, boolean recordRoute, Supplier<Response> whenUnreachable) {
            this(request, targets, recordRoute, whenUnreachable, true);
        }

        public Forward(Request request, List<Target> targets, boolean recordRoute) {
            this(request, targets, recordRoute, null, true);
        }
    }

    /**
     * Forward the (already adjusted) request to {@code target} without a transaction (RFC 3261 §16.11, Kamailio's
     * {@code forward()}): nothing is kept, a retransmission is relayed again, and the responses go back by their Via,
     * as they come. Only for a request whose retransmissions, as long as they matter, are someone else's to make: an
     * ACK, or a request another node of the cluster handed over on an unreliable hop, whose client transaction on
     * that node retransmits it until the device answers.
     */
    record Relay(Request request, Target target) implements Outcome {
    }

    /**
     * Answer once {@code answer} completes, on the thread that completes it: work that must
     * finish before the answer but must not hold a SIP worker thread (a group post made durable
     * before its 202, the bindings of a REGISTER written with others). A failed {@code answer} gets a 500. Unless
     * {@code stateless}, a server transaction is made at once, which absorbs retransmissions meanwhile.
     */
    record Later(CompletionStage<Respond> answer, boolean stateless) implements Outcome {
        public Later(CompletionStage<Respond> answer) {
            this(answer, false);
        }

        /** Answered as {@link Respond#withoutTransaction} is: a retransmission meanwhile is routed again. */
        public static Later withoutTransaction(CompletionStage<Respond> answer) {
            return new Later(answer, true);
        }
    }

    /** Nothing to send (an ACK that belongs nowhere, RFC 3261 §16.3). */
    record Drop(String why) implements Outcome {
    }
}
