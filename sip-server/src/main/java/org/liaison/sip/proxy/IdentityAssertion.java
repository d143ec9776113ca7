package org.liaison.sip.proxy;

import java.text.ParseException;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.address.Address;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.message.Message;
import javax.sip.message.Request;
import org.liaison.provisioning.Account;
import org.liaison.sip.message.SipFactories;

/**
 * Who a request is from, as the server vouches for it (RFC 3325). The server is the trust domain on
 * its own: clients and callees are user agents outside it (§5), so identity they claim is dropped, and
 * a caller's requests carry the identity its credentials prove, with the directory's display name, so
 * a callee sees who really calls ("CEO Bob" calling from alice's account shows as alice).
 */
public final class IdentityAssertion {
    static final String ASSERTED = "P-Asserted-Identity";
    /** Headers through which a party states an identity; only the server may assert one. */
    private static final List<String> CLAIMS = List.of(ASSERTED, "P-Preferred-Identity", "Remote-Party-ID");
    /** More callers than a directory holds means stale names after many edits: start afresh. */
    private static final int MOST_HEADERS_KEPT = 100_000;

    private final SipFactories sip;
    private final String domain;
    /**
     * Each caller's asserted identity, built (parsed) once and cloned per request: building it from text for each
     * request was 6 % of the server's samples under MESSAGE load (docs/BENCHMARKS.md, "timers on a wheel",
     * 2026-12-06 23:03).
     */
    private final Map<Caller, Header> assertedHeaders = new ConcurrentHashMap<>();

    private record Caller(String username, String quotedName) {
    }

    public IdentityAssertion(SipFactories sip, String domain) {
        this.sip = sip;
        this.domain = domain;
    }

    /** Drops what a party outside the trust domain claims about identity (RFC 3325 §5, §9.1). */
    public static void stripClaims(Message message) {
        CLAIMS.forEach(message::removeHeader);
    }

    /**
     * Replaces the caller's claims with the directory's: the From display name becomes the account's,
     * and {@code P-Asserted-Identity: "Name" <sip:user@domain>} is added unless the caller asked for
     * {@code Privacy: id}, in which case no callee (all outside the trust domain) is told (§9.3).
     */
    public void assertCaller(Request request, Account caller) {
        stripClaims(request);
        String name = caller.displayName().isEmpty() ? null : quotable(caller.displayName());
        try {
            ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().setDisplayName(name);
            if (!asksForIdPrivacy(request)) {
                request.addHeader((Header) assertedHeader(new Caller(caller.username(), name)).clone());
            }
        } catch (ParseException e) {
            throw new IllegalStateException("cannot assert the identity of " + caller.username(), e);
        }
    }

    private Header assertedHeader(Caller caller) throws ParseException {
        Header known = assertedHeaders.get(caller);
        if (known != null) {
            return known;
        }
        Address asserted = sip.addresses().createAddress(sip.addresses().createSipURI(caller.username(), domain));
        asserted.setDisplayName(caller.quotedName());
        Header built = sip.headers().createHeader(ASSERTED, asserted.toString());
        if (assertedHeaders.size() >= MOST_HEADERS_KEPT) {
            assertedHeaders.clear();
        }
        assertedHeaders.put(caller, built);
        return built;
    }

    /** RFC 3323 §4.2: {@code Privacy: id} (among other values, in one header or several). */
    private static boolean asksForIdPrivacy(Request request) {
        ListIterator<?> privacy = request.getHeaders("Privacy");
        while (privacy.hasNext()) {
            String value = ((Header) privacy.next()).toString();
            value = value.substring(value.indexOf(':') + 1);
            for (String token : value.split("[;,]")) {
                if ("id".equals(token.trim().toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A display name as the inside of a quoted-string (RFC 3261 §25.1): the stack quotes it as given. */
    private static String quotable(String displayName) {
        return displayName.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
