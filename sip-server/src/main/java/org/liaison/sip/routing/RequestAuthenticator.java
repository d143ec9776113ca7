package org.liaison.sip.routing;

import java.net.InetAddress;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.Header;
import javax.sip.header.ProxyAuthorizationHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.sip.auth.AuthResult;
import org.liaison.sip.auth.DigestAuthenticator;
import org.liaison.sip.auth.DigestResponse;
import org.liaison.sip.auth.Origin;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;

/**
 * Digest authentication of a SIP request (RFC 3261 §22): 401 for REGISTER (the registrar asks),
 * 407 for everything else (the proxy asks). Every failure looks the same from outside.
 */
public final class RequestAuthenticator {
    /** The Contact parameter naming a device (RFC 5626 §4.1). */
    private static final String INSTANCE = "+sip.instance";
    /** Either the authenticated account, or the response to send instead. */
    sealed interface Check {
        record Passed(Account account) implements Check {
        }

        record Challenge(Response response) implements Check {
        }
    }

    private final DigestAuthenticator digest;
    private final SipFactories sip;
    private final Responses responses;
    private final String realm;
    private final List<String> md5OnlyUserAgents;

    /** {@code md5OnlyUserAgents}: User-Agent fragments of clients offered MD5 only ({@code compatibility.*}). */
    public RequestAuthenticator(DigestAuthenticator digest, SipFactories sip, String realm,
            List<String> md5OnlyUserAgents) {
        this.digest = digest;
        this.sip = sip;
        this.responses = new Responses(sip);
        this.realm = realm;
        this.md5OnlyUserAgents = md5OnlyUserAgents.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    /** Checks {@code request}, which came from {@code address} over {@code flow}. */
    Check check(Request request, InetAddress address, Flow flow) {
        boolean registrar = Request.REGISTER.equals(request.getMethod());
        Optional<DigestResponse> credentials = credentialsFor(request, registrar);
        if (credentials.isEmpty()) {
            return challenge(request, registrar, false);
        }
        AuthResult result = digest.verify(request.getMethod(), credentials.get(), originOf(request, address, flow));
        if (result instanceof AuthResult.Authenticated a) {
            return new Check.Passed(a.account());
        }
        if (result instanceof AuthResult.Blocked blocked) {
            return new Check.Challenge(refusal(request, blocked.retryAfter()));
        }
        return challenge(request, registrar, result instanceof AuthResult.Stale);
    }

    /**
     * The device's marks (see {@link Origin}): the flow it sends from, and what its Contact says, all of them, so that
     * a device is recognised by its REGISTER's Contact and by its MESSAGE's flow alike.
     */
    private static Origin originOf(Request request, InetAddress address, Flow flow) {
        // immutable sets from the start, so Origin and AuthAttempt keep them without copying (issue 12); the marks'
        // prefixes differ, so Set.of never sees a duplicate
        String flowMark = Origin.FLOW + flow.transport() + ":" + flow.remotePort();
        if (!(request.getHeader(ContactHeader.NAME) instanceof ContactHeader contact) || contact.getAddress() == null) {
            return new Origin(address, Set.of(flowMark));
        }
        String contactMark = Origin.CONTACT + contact.getAddress().getURI();
        String instance = contact.getParameter(INSTANCE);
        return new Origin(address, instance == null ? Set.of(flowMark, contactMark)
                : Set.of(flowMark, contactMark, Origin.INSTANCE + instance));
    }

    /**
     * 403 without checking the password (RFC 3261 §21.4.4: authorization will not help now) with the time left in a
     * Retry-After (§20.33). Not a challenge: a client would only answer it with its next guess. The same for every
     * username, known or not.
     */
    private Response refusal(Request request, Duration retryAfter) {
        Response response = responses.create(request, Response.FORBIDDEN, "Too many failed authentications");
        try {
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            response.addHeader(sip.headers().createRetryAfterHeader((int) Math.min(seconds, Integer.MAX_VALUE)));
        } catch (javax.sip.InvalidArgumentException e) {
            throw new IllegalStateException("a positive Retry-After", e);
        }
        return response;
    }

    /**
     * Removes the credentials meant for us before the request goes on (RFC 3261 §22.3): the next hop
     * has no use for them, and a digest response is a secret to anyone who may replay or crack it.
     */
    void removeOurCredentials(Request request) {
        List<Header> others = new ArrayList<>();
        ListIterator<?> headers = request.getHeaders(ProxyAuthorizationHeader.NAME);
        while (headers != null && headers.hasNext()) {
            ProxyAuthorizationHeader h = (ProxyAuthorizationHeader) headers.next();
            if (!realm.equals(h.getRealm())) {
                others.add(h);
            }
        }
        request.removeHeader(ProxyAuthorizationHeader.NAME);
        others.forEach(request::addHeader);
    }

    /** The client's credentials for our realm; a request may carry several (one per realm). */
    private Optional<DigestResponse> credentialsFor(Request request, boolean registrar) {
        String name = registrar ? AuthorizationHeader.NAME : ProxyAuthorizationHeader.NAME;
        ListIterator<?> headers = request.getHeaders(name);
        while (headers != null && headers.hasNext()) {
            Optional<DigestResponse> r = DigestResponse.from((AuthorizationHeader) headers.next());
            if (r.isPresent() && realm.equals(r.get().realm())) {
                return r;
            }
        }
        return Optional.empty();
    }

    private Check challenge(Request request, boolean registrar, boolean stale) {
        int status = registrar ? Response.UNAUTHORIZED : Response.PROXY_AUTHENTICATION_REQUIRED;
        String name = registrar ? "WWW-Authenticate" : "Proxy-Authenticate";
        Response response = responses.create(request, status);
        try {
            for (String value : challengesFor(request, stale)) {
                Header h = sip.headers().createHeader(name, value);
                response.addHeader(h);
            }
        } catch (ParseException e) {
            throw new IllegalStateException("our own challenge does not parse", e);
        }
        return new Check.Challenge(response);
    }

    /**
     * Every configured algorithm, except for clients known to fail on a challenge they cannot use (baresip 1.0's
     * libre answers a SHA-256 challenge with "Function not implemented" even when MD5 is offered too). The choice
     * depends on the User-Agent only, never on the user, so it reveals nothing about accounts.
     */
    private List<String> challengesFor(Request request, boolean stale) {
        if (request.getHeader(UserAgentHeader.NAME) instanceof UserAgentHeader ua) {
            String product = String.join(" ", iterable(ua.getProduct())).toLowerCase(Locale.ROOT);
            if (md5OnlyUserAgents.stream().anyMatch(product::contains)) {
                return digest.challenges(stale, List.of(DigestAlgorithm.MD5));
            }
        }
        return digest.challenges(stale);
    }

    private static List<String> iterable(ListIterator<?> tokens) {
        List<String> all = new ArrayList<>();
        tokens.forEachRemaining(t -> all.add(t.toString()));
        return all;
    }
}
