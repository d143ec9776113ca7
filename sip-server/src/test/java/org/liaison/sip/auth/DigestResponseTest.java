package org.liaison.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ProxyAuthorizationHeader;

import org.junit.jupiter.api.Test;

/** Credentials as JAIN-SIP RI parses them from a SIP header field. */
class DigestResponseTest {
    private final DigestClient client = new DigestClient();

    private Optional<DigestResponse> parse(String name, String value) {
        return DigestResponse.from((AuthorizationHeader) client.header(name, value));
    }

    @Test
    void readsEveryParameterOfASippAuthorization() {
        DigestResponse r = parse("Authorization", "Digest username=\"alice\", realm=\"example.org\", "
                + "nonce=\"AAAB-_x\", uri=\"sip:127.0.0.1:5080\", response=\"6629fae49393a05397450978507c4ef1\", "
                + "algorithm=SHA-256, cnonce=\"0a4f113b\", opaque=\"op\", qop=auth, nc=0000000a").orElseThrow();

        assertEquals(new DigestResponse("alice", "example.org", "AAAB-_x", "sip:127.0.0.1:5080",
                "6629fae49393a05397450978507c4ef1", "SHA-256", Optional.of("0a4f113b"), Optional.of("auth"),
                Optional.of("0000000a"), Optional.of("op")), r);
    }

    @Test
    void keepsTheUriExactlyAsTheClientWroteIt() {
        // getURI() would re-parse this as a SIP URI; the digest covers the client's characters.
        DigestResponse r = parse("Authorization", "Digest username=\"alice\", realm=\"r\", nonce=\"n\", "
                + "uri=\"sip:%61lice@Example.ORG;transport=TCP\", response=\"0\"").orElseThrow();
        assertEquals("sip:%61lice@Example.ORG;transport=TCP", r.uri());
    }

    @Test
    void keepsANonceCountAboveWhatAnIntHolds() {
        DigestResponse r = parse("Authorization", "Digest username=\"alice\", realm=\"r\", nonce=\"n\", "
                + "uri=\"sip:r\", response=\"0\", qop=auth, cnonce=\"c\", nc=ffffffff").orElseThrow();
        assertEquals(Optional.of("ffffffff"), r.nc());
    }

    @Test
    void takesMd5WhenTheAlgorithmIsLeftOut() {
        DigestResponse r = parse("Authorization",
                "Digest username=\"alice\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"0\"").orElseThrow();
        assertEquals("MD5", r.algorithm());
        assertEquals(Optional.empty(), r.qop());
    }

    @Test
    void readsAProxyAuthorizationToo() {
        AuthorizationHeader header = (AuthorizationHeader) client.header("Proxy-Authorization",
                "Digest username=\"bob\", realm=\"r\", nonce=\"n\", uri=\"sip:carol@r\", response=\"0\"");
        assertTrue(header instanceof ProxyAuthorizationHeader);
        assertEquals("bob", DigestResponse.from(header).orElseThrow().username());
    }

    @Test
    void acceptsTheSchemeInAnyCase() {
        assertTrue(parse("Authorization",
                "digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"0\"").isPresent());
    }

    @Test
    void ignoresOtherSchemes() {
        assertFalse(parse("Authorization",
                "Bearer username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:r\", response=\"0\"").isPresent());
    }

    @Test
    void ignoresCredentialsWithoutAResponse() {
        assertFalse(parse("Authorization", "Digest username=\"a\", realm=\"r\", nonce=\"n\", uri=\"sip:r\"")
                .isPresent());
    }

    @Test
    void neverShowsTheResponseInToString() {
        DigestResponse r = parse("Authorization", "Digest username=\"alice\", realm=\"r\", nonce=\"n\", "
                + "uri=\"sip:r\", response=\"6629fae49393a05397450978507c4ef1\"").orElseThrow();
        assertFalse(r.toString().contains("6629fae4"), r.toString());
    }
}
