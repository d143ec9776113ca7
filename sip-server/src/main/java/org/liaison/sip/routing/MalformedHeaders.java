package org.liaison.sip.routing;

import gov.nist.javax.sip.message.SIPMessage;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sip.message.Request;

/**
 * Broken headers in a request the stack parsed nevertheless. The stack refuses a request whose Via,
 * From, To, Call-ID, CSeq or Content-Length is broken, but sets any other broken header aside
 * ({@link SIPMessage#getUnrecognizedHeaders()}, on TCP too thanks to the edge's StreamParserFactory)
 * and goes on as if it had not been sent: a REGISTER with an unparsable Contact would be taken for a
 * query, one with a broken Expires would get the default. For the headers a decision of ours rests
 * on we answer 400; the rest stay ignored, as a proxy may ignore what it does not need.
 */
final class MalformedHeaders {
    /** Long and compact (RFC 3261 §7.3.3) names of the headers the server acts on. */
    private static final Set<String> ACTED_ON = Set.of("contact", "m", "expires", "route", "record-route",
            "max-forwards", "authorization", "proxy-authorization", "require", "proxy-require", "path",
            "content-type", "c");

    private MalformedHeaders() {
    }

    /** The name of the first header we act on that could not be parsed, if any. */
    static Optional<String> first(Request request) {
        if (!(request instanceof SIPMessage message)) {
            return Optional.empty();
        }
        for (Iterator<String> it = message.getUnrecognizedHeaders(); it.hasNext(); ) {
            String line = it.next();
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (ACTED_ON.contains(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }
}
