package org.liaison.sip.routing;

import java.net.InetAddress;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Optional;
import javax.sip.header.AuthorizationHeader;
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
import org.liaison.sip.edge.SipFactories;

/**
 * Digest authentication of a SIP request (RFC 3261 §22): 401 for REGISTER (the registrar asks),
 * 407 for everything else (the proxy asks). Every failure looks the same from outside.
 */
final class RequestAuthenticator {
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

    RequestAuthenticator(DigestAuthenticator digest, SipFactories sip, Responses responses, String realm,
            List<String> md5OnlyUserAgents) {
        this.digest = digest;
        this.sip = sip;
        this.responses = responses;
        this.realm = realm;
        this.md5OnlyUserAgents = md5OnlyUserAgents.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
    }

    Check check(Request request, InetAddress source) {
        boolean registrar = Request.REGISTER.equals(request.getMethod());
        Optional<DigestResponse> credentials = credentialsFor(request, registrar);
        if (credentials.isEmpty()) {
            return challenge(request, registrar, false);
        }
        AuthResult result = digest.verify(request.getMethod(), credentials.get(), source);
        if (result instanceof AuthResult.Authenticated a) {
            return new Check.Passed(a.account());
        }
        if (result instanceof AuthResult.Blocked) {
            return new Check.Challenge(responses.create(request, Response.FORBIDDEN));
        }
        return challenge(request, registrar, result instanceof AuthResult.Stale);
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
