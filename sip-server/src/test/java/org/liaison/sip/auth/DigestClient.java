package org.liaison.sip.auth;

import java.text.ParseException;

import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.WWWAuthenticateHeader;

import org.liaison.provisioning.DigestAlgorithm;

/**
 * What a SIP phone does with one of our challenges: parses it with JAIN-SIP, computes the RFC 7616 response from a
 * clear password and writes an Authorization header, which is parsed back into a {@link DigestResponse}.
 */
final class DigestClient {
    static final String CNONCE = "0a4f113b";
    /** The uri sipp signs, which is not the Request-URI of a REGISTER. */
    static final String URI = "sip:127.0.0.1:5080";

    private final HeaderFactory headers;

    DigestClient() {
        try {
            headers = SipFactory.getInstance().createHeaderFactory();
        } catch (PeerUnavailableException e) {
            throw new IllegalStateException(e);
        }
    }

    DigestResponse answer(String challenge, String username, String password, String method, int nc) {
        WWWAuthenticateHeader parsed = (WWWAuthenticateHeader) header(WWWAuthenticateHeader.NAME, challenge);
        DigestAlgorithm algorithm = DigestAlgorithm.fromToken(parsed.getAlgorithm()).orElseThrow();
        String ncValue = String.format("%08x", nc);
        String ha1 = algorithm.ha1(username, parsed.getRealm(), password);
        String response = RequestDigest.response(algorithm, ha1, parsed.getNonce(), ncValue, CNONCE, "auth", method,
                URI);
        return credentials("Digest username=\"" + username + "\", realm=\"" + parsed.getRealm() + "\", nonce=\""
                + parsed.getNonce() + "\", uri=\"" + URI + "\", response=\"" + response + "\", algorithm="
                + algorithm.token() + ", cnonce=\"" + CNONCE + "\", opaque=\"" + parsed.getOpaque()
                + "\", qop=auth, nc=" + ncValue);
    }

    DigestResponse credentials(String authorization) {
        return DigestResponse.from((AuthorizationHeader) header(AuthorizationHeader.NAME, authorization)).orElseThrow();
    }

    javax.sip.header.Header header(String name, String value) {
        try {
            return headers.createHeader(name, value);
        } catch (ParseException e) {
            throw new IllegalArgumentException(value, e);
        }
    }
}
