package org.liaison.sip.auth;

import org.liaison.provisioning.DigestAlgorithm;

/**
 * Computes the request-digest a client should have sent. An interface so that tests can observe that an unknown user
 * costs the same work as a known one; public for {@link #response}, which the warm-up's phones answer challenges with.
 */
@FunctionalInterface
public interface RequestDigest {

    /** The request-digest for {@code credentials}, given the account's HA1 and the request's method. */
    String compute(DigestAlgorithm algorithm, String ha1, String method, DigestResponse credentials);

    /** RFC 7616 §3.4.1 with qop=auth; the caller has checked that cnonce, qop and nc are present. */
    RequestDigest RFC_7616 = (algorithm, ha1, method, c) -> response(algorithm, ha1, c.nonce(), c.nc().orElseThrow(),
            c.cnonce().orElseThrow(), c.qop().orElseThrow(), method, c.uri());

    /**
     * RFC 7616 §3.4.1: {@code response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2))} with
     * {@code A2 = method ":" uri} for qop=auth (§3.4.3).
     */
    static String response(DigestAlgorithm algorithm, String ha1, String nonce, String nc, String cnonce, String qop,
            String method, String uri) {
        String ha2 = algorithm.hash(method + ":" + uri);
        return algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }
}
