package org.liaison.sip.message;

import java.text.ParseException;
import java.util.UUID;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/** Responses the server itself generates (as opposed to responses it forwards). */
public final class Responses {
    private final SipFactories sip;

    public Responses(SipFactories sip) {
        this.sip = sip;
    }

    public Response create(Request request, int status) {
        return create(request, status, null);
    }

    /** A response with our To tag (RFC 3261 §8.2.6.2) and, when given, a specific reason phrase. */
    public Response create(Request request, int status, String reason) {
        try {
            Response response = sip.messages().createResponse(status, request);
            if (reason != null) {
                response.setReasonPhrase(reason);
            }
            ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
            if (status > 100 && to != null && to.getTag() == null) {
                to.setTag(UUID.randomUUID().toString().substring(0, 8));
            }
            return response;
        } catch (ParseException e) {
            throw new IllegalArgumentException("cannot build a " + status + " response", e);
        }
    }
}
