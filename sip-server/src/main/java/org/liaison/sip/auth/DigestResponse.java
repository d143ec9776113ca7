package org.liaison.sip.auth;

import java.util.Objects;
import java.util.Optional;

import javax.sip.header.AuthorizationHeader;

/**
 * The digest credentials of an Authorization or Proxy-Authorization header (RFC 7616 §3.4, RFC 3261 §22.4), as the
 * client sent them. {@link #toString()} leaves out {@code response}: a digest response must not reach a log.
 *
 * @param username  as sent; looked up case-insensitively but hashed as sent
 * @param realm     must equal ours
 * @param nonce     one of ours, or the request is re-challenged
 * @param uri       the {@code uri} parameter exactly as the client wrote it: it is what the client hashed, and it is
 *                  often not the Request-URI (sipp signs {@code sip:127.0.0.1:5080})
 * @param response  the request-digest, hex
 * @param algorithm the {@code algorithm} token; {@code MD5} when the client left it out (RFC 7616 §3.3)
 * @param cnonce    required with qop
 * @param qop       we accept {@code auth} only
 * @param nc        the nonce-count as written (8 hex digits, RFC 7616 §3.4): the client hashed this text
 * @param opaque    echoed from the challenge; carries nothing we rely on
 */
public record DigestResponse(String username, String realm, String nonce, String uri, String response,
        String algorithm, Optional<String> cnonce, Optional<String> qop, Optional<String> nc,
        Optional<String> opaque) {

    private static final String SCHEME = "Digest";
    /** RFC 7616 §3.3: "If this is not present, it is assumed to be MD5". */
    private static final String DEFAULT_ALGORITHM = "MD5";

    public DigestResponse {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(cnonce, "cnonce");
        Objects.requireNonNull(qop, "qop");
        Objects.requireNonNull(nc, "nc");
        Objects.requireNonNull(opaque, "opaque");
    }

    /**
     * The digest credentials of {@code header}; empty when it uses another scheme or lacks a parameter that RFC 7616
     * §3.4 requires (username, realm, nonce, uri, response). A {@code ProxyAuthorizationHeader} is one too.
     */
    public static Optional<DigestResponse> from(AuthorizationHeader header) {
        if (!SCHEME.equalsIgnoreCase(header.getScheme())) { // auth-scheme is case-insensitive, RFC 7235 §2.1
            return Optional.empty();
        }
        // getParameter("uri"), not getURI(): getURI() re-parses the text as a SIP URI (null for anything else), while
        // the digest covers the characters the client sent.
        String uri = header.getParameter("uri");
        if (header.getUsername() == null || header.getRealm() == null || header.getNonce() == null || uri == null
                || header.getResponse() == null) {
            return Optional.empty();
        }
        String algorithm = header.getAlgorithm() == null ? DEFAULT_ALGORITHM : header.getAlgorithm();
        // getParameter("nc"), not getNonceCount(): the latter parses to an int (-1 when absent or above 7fffffff),
        // and the digest covers the text.
        return Optional.of(new DigestResponse(header.getUsername(), header.getRealm(), header.getNonce(), uri,
                header.getResponse(), algorithm, Optional.ofNullable(header.getCNonce()),
                Optional.ofNullable(header.getQop()), Optional.ofNullable(header.getParameter("nc")),
                Optional.ofNullable(header.getOpaque())));
    }

    @Override
    public String toString() {
        return "DigestResponse[username=" + username + ", realm=" + realm + ", nonce=" + nonce + ", uri=" + uri
                + ", algorithm=" + algorithm + ", qop=" + qop.orElse("") + ", nc=" + nc.orElse("") + "]";
    }
}
