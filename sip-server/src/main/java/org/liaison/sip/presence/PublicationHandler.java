package org.liaison.sip.presence;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.Optional;
import javax.sip.InvalidArgumentException;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.SIPIfMatchHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.provisioning.Account;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;

/**
 * PUBLISH of presence (RFC 3903 §6, the event state compositor's steps): a user's own devices publish
 * the user's state, a PIDF document; each publication has an entity-tag to refresh, modify or remove
 * it with, and expires on its own.
 */
final class PublicationHandler {
    /** A presence document is a few hundred bytes; Linphone's, with notes and several tuples, stays far below. */
    static final int MAX_DOCUMENT_BYTES = 16 * 1024;

    private final PresenceServer server;
    private final PresenceAnswers answers;
    private final SipFactories sip;

    PublicationHandler(PresenceServer server, PresenceAnswers answers, SipFactories sip) {
        this.server = server;
        this.answers = answers;
        this.sip = sip;
    }

    /** {@code publish} from {@code caller} (authenticated) for {@code presentity}'s state. */
    Outcome publish(Request publish, Account presentity, Account caller) {
        if (!presentity.username().equals(caller.username())) {
            // RFC 3903 §6 step 2: the compositor decides who may publish; a user's own devices only
            return answers.refuse(publish, Response.FORBIDDEN, "Publish your own presence only");
        }
        int expires = PresenceAnswers.requestedExpires(publish);
        if (answers.tooBrief(expires)) {
            return answers.intervalTooBrief(publish);
        }
        byte[] body = publish.getRawContent();
        Optional<String> document = Optional.empty();
        if (body != null && body.length > 0) {
            Optional<Outcome> refused = refuseDocument(publish, body);
            if (refused.isPresent()) {
                return refused.get();
            }
            document = Optional.of(new String(body, StandardCharsets.UTF_8));
        }
        String user = caller.username();
        SIPIfMatchHeader ifMatch = (SIPIfMatchHeader) publish.getHeader(SIPIfMatchHeader.NAME);
        int granted = answers.grant(expires);
        String etag;
        if (ifMatch == null) {
            if (document.isEmpty() || granted == 0) {
                // RFC 3903 §6 step 4: an initial publication carries the state
                return answers.refuse(publish, Response.BAD_REQUEST, "An initial PUBLISH needs a document");
            }
            etag = server.publications().publish(user, document.get(), Duration.ofSeconds(granted));
        } else if (granted == 0) {
            if (!server.publications().remove(user, ifMatch.getETag())) {
                return answers.refuse(publish, Response.CONDITIONAL_REQUEST_FAILED, null);
            }
            etag = ifMatch.getETag();
        } else {
            Optional<String> next = server.publications().update(user, ifMatch.getETag(), document,
                    Duration.ofSeconds(granted));
            if (next.isEmpty()) {
                // RFC 3903 §6 step 3: no such publication (expired, removed, or before a restart)
                return answers.refuse(publish, Response.CONDITIONAL_REQUEST_FAILED, null);
            }
            etag = next.get();
        }
        return new Outcome.Respond(ok(publish, etag, granted), () -> server.changed(user));
    }

    /** RFC 3903 §6 step 4: a document of a type we take (415), of a sane size (413), that parses (400). */
    private Optional<Outcome> refuseDocument(Request publish, byte[] body) {
        ContentTypeHeader type = (ContentTypeHeader) publish.getHeader(ContentTypeHeader.NAME);
        if (type == null || !"application".equalsIgnoreCase(type.getContentType())
                || !"pidf+xml".equalsIgnoreCase(type.getContentSubType())) {
            Response unsupported = answers.response(publish, Response.UNSUPPORTED_MEDIA_TYPE);
            try {
                unsupported.addHeader(sip.headers().createAcceptHeader("application", "pidf+xml"));
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
            return Optional.of(new Outcome.Respond(unsupported));
        }
        if (body.length > MAX_DOCUMENT_BYTES) {
            return Optional.of(answers.refuse(publish, Response.REQUEST_ENTITY_TOO_LARGE, null));
        }
        return PidfDocument.problemWith(body).map(problem -> answers.refuse(publish, Response.BAD_REQUEST, problem));
    }

    /** RFC 3903 §6 step 8: 200 with the publication's (new) entity-tag and the Expires granted. */
    private Response ok(Request publish, String etag, int granted) {
        Response ok = answers.response(publish, Response.OK);
        try {
            ok.addHeader(sip.headers().createSIPETagHeader(etag));
            ok.addHeader(sip.headers().createExpiresHeader(granted));
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("cannot answer a PUBLISH", e);
        }
        return ok;
    }
}
