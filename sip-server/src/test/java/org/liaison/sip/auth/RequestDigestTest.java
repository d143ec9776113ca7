package org.liaison.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.liaison.provisioning.DigestAlgorithm;

/** The worked example of RFC 7616 §3.9.1, for both algorithms. */
class RequestDigestTest {
    private static final String REALM = "http-auth@example.org";
    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    private static String mufasa(DigestAlgorithm algorithm) {
        String ha1 = algorithm.ha1("Mufasa", REALM, "Circle of Life");
        return RequestDigest.response(algorithm, ha1, NONCE, "00000001", CNONCE, "auth", "GET", "/dir/index.html");
    }

    @Test
    void md5ResponseMatchesRfc7616Section391() {
        assertEquals("8ca523f5e9506fed4657c9700eebdbec", mufasa(DigestAlgorithm.MD5));
    }

    @Test
    void sha256ResponseMatchesRfc7616Section391() {
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                mufasa(DigestAlgorithm.SHA_256));
    }
}
