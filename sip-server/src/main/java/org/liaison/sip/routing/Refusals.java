package org.liaison.sip.routing;

import java.text.ParseException;
import javax.sip.InvalidArgumentException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.media.MediaRefusal;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;

/**
 * The answers with which the router and its handlers refuse a request: on a server transaction once
 * the request has authenticated, without one before (see {@link Outcome.Respond#withoutTransaction}).
 */
final class Refusals {
    /** Long enough for Redis to restart or Sentinel to fail over, short enough for a phone's user to wait. */
    private static final int SHARED_STATE_RETRY_AFTER_SECONDS = 5;
    private final Responses responses;
    private final SipFactories sip;
    private final String domain;

    Refusals(SipFactories sip, String domain) {
        this.responses = new Responses(sip);
        this.sip = sip;
        this.domain = domain;
    }

    /** {@code status} with {@code reason} (null: the standard phrase), for an authenticated request. */
    Outcome refuse(Request request, int status, String reason) {
        return new Outcome.Respond(responses.create(request, status, reason));
    }

    /** Refuses a request that has not authenticated (yet) without keeping state for it. */
    Outcome refuseUnauthenticated(Request request, int status, String reason) {
        return Outcome.Respond.withoutTransaction(responses.create(request, status, reason));
    }

    /** An offer the media policy or the relay refused: the reason goes in a Warning (RFC 3261 §20.43). */
    Outcome refuse(Request request, MediaRefusal refusal) {
        Response response = responses.create(request, refusal.status());
        try {
            response.addHeader(sip.headers().createWarningHeader(domain, 399, refusal.warning()));
            if (refusal.retryAfterSeconds() > 0) {
                response.addHeader(sip.headers().createRetryAfterHeader(refusal.retryAfterSeconds()));
            }
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("cannot build a media refusal", e);
        }
        return new Outcome.Respond(response);
    }

    /**
     * 503 with Retry-After (RFC 3261 §21.5.4, §20.33): the registrations are out of reach for now and
     * come back by themselves, so the client tries again in a few seconds, or another node (RFC 3263)
     * at once. Without a transaction: an outage must not make the server keep state per request.
     */
    Outcome.Respond sharedStateUnavailable(Request request) {
        Response response = responses.create(request, Response.SERVICE_UNAVAILABLE, "Location service unavailable");
        try {
            response.addHeader(sip.headers().createRetryAfterHeader(SHARED_STATE_RETRY_AFTER_SECONDS));
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException("a positive Retry-After is valid", e);
        }
        return Outcome.Respond.withoutTransaction(response);
    }

    /**
     * 403 (RFC 3261 §21.4.4: understood, refused, and authorization will not help) before any
     * challenge, so a client never sends its digest, nor later its SDES keys, in clear text; the
     * Warning (399, §20.43) tells a person reading the client's log what to change.
     */
    Outcome tlsRequired(Request request) {
        Response response = responses.create(request, Response.FORBIDDEN, "TLS Required");
        try {
            response.addHeader(sip.headers().createWarningHeader(domain, 399,
                    "Use TLS: this server takes registrations and calls over sips: or transport=tls only"));
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        return Outcome.Respond.withoutTransaction(response);
    }
}
