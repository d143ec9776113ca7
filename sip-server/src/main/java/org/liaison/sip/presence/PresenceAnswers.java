package org.liaison.sip.presence;

import java.text.ParseException;
import java.util.ListIterator;
import javax.sip.InvalidArgumentException;
import javax.sip.header.AcceptHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.config.PresenceSettings;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;

/** What SUBSCRIBE and PUBLISH answers share: the Expires rules and the refusals. */
final class PresenceAnswers {
    /** RFC 3856 §6.4 and RFC 3903 §4 leave the default to the server: an hour, as for REGISTER. */
    private static final int DEFAULT_EXPIRES_SECONDS = 3600;

    private final PresenceSettings settings;
    private final SipFactories sip;
    private final Responses responses;

    PresenceAnswers(PresenceSettings settings, SipFactories sip) {
        this.settings = settings;
        this.sip = sip;
        this.responses = new Responses(sip);
    }

    static int requestedExpires(Request request) {
        ExpiresHeader expires = request.getExpires();
        return expires == null ? DEFAULT_EXPIRES_SECONDS : expires.getExpires();
    }

    /** Whether {@code requested} (not 0, which ends) is below {@code presence.min-expires-seconds}. */
    boolean tooBrief(int requested) {
        return requested > 0 && requested < settings.minExpires().toSeconds();
    }

    /** RFC 6665 §4.2.1.1, RFC 3903 §6 step 5: the server may shorten what was asked, never lengthen it. */
    int grant(int requested) {
        return (int) Math.min(requested, settings.maxExpires().toSeconds());
    }

    /** RFC 3261 §21.4.18: 423 with the shortest interval we take. */
    Outcome intervalTooBrief(Request request) {
        Response brief = responses.create(request, Response.INTERVAL_TOO_BRIEF);
        try {
            brief.addHeader(sip.headers().createMinExpiresHeader((int) settings.minExpires().toSeconds()));
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException(e);
        }
        return new Outcome.Respond(brief);
    }

    /**
     * Whether {@code request} accepts {@code type}/{@code subType}: no Accept header means the
     * event's default (RFC 6665 §4.1.2.1, PIDF for presence, RFC 3856 §6.7), else one entry must
     * match, wildcards included.
     */
    static boolean accepts(Request request, String type, String subType) {
        ListIterator<?> accepts = request.getHeaders(AcceptHeader.NAME);
        if (!accepts.hasNext()) {
            return true;
        }
        while (accepts.hasNext()) {
            AcceptHeader accept = (AcceptHeader) accepts.next();
            String t = accept.getContentType();
            String st = accept.getContentSubType();
            boolean subTypeMatches = "*".equals(st) || subType.equalsIgnoreCase(st);
            if (t == null || "*".equals(t) || t.equalsIgnoreCase(type) && subTypeMatches) {
                return true;
            }
        }
        return false;
    }

    /** RFC 6665 §4.2.1.1, RFC 3261 §21.4.7: 406 naming what we send. */
    Outcome notAcceptable(Request request, String... types) {
        Response refused = responses.create(request, Response.NOT_ACCEPTABLE);
        try {
            for (String type : types) {
                int slash = type.indexOf('/');
                refused.addHeader(sip.headers().createAcceptHeader(type.substring(0, slash),
                        type.substring(slash + 1)));
            }
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        return new Outcome.Respond(refused);
    }

    Outcome refuse(Request request, int status, String reason) {
        return new Outcome.Respond(responses.create(request, status, reason));
    }

    Response response(Request request, int status) {
        return responses.create(request, status);
    }
}
