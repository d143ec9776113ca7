package org.liaison.provisioning.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.function.Supplier;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.DigestAlgorithm;

/**
 * HTTP digest authentication (RFC 7616) against the SIP credentials: the realm is the SIP domain,
 * so the HA1 values of users.csv verify HTTP requests as they verify REGISTERs, and a phone needs
 * one password for both. SHA-256 is offered first, MD5 second.
 *
 * <p>Nonces are stateless: the issue time and an HMAC of it under a key made at start, so a restart
 * only costs clients one more challenge. A nonce is good for {@link #NONCE_LIFETIME}; within it a
 * captured request could be replayed, which over TLS needs the TLS session keys first.
 */
final class HttpDigest {
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    private static final List<DigestAlgorithm> OFFERED = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    private static final int TIME_BYTES = Long.BYTES;
    private static final int MAC_BYTES = 16;

    private final String realm;
    private final Supplier<? extends AccountDirectory> accounts;
    private final Clock clock;
    private final SecretKeySpec nonceKey;

    HttpDigest(String realm, Supplier<? extends AccountDirectory> accounts, Clock clock) {
        this.realm = realm;
        this.accounts = accounts;
        this.clock = clock;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.nonceKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** One {@code WWW-Authenticate} value per offered algorithm, most preferred first. */
    List<String> challenges() {
        String nonce = nonce(clock.millis() / 1000);
        List<String> values = new ArrayList<>();
        for (DigestAlgorithm algorithm : OFFERED) {
            values.add("Digest realm=\"" + realm + "\", qop=\"auth\", algorithm=" + algorithm.token()
                    + ", nonce=\"" + nonce + "\"");
        }
        return values;
    }

    /**
     * The account whose credentials produced {@code authorization} for {@code method} on
     * {@code requestTarget}; empty when absent, malformed, stale or wrong.
     */
    Optional<Account> verify(String authorization, String method, String requestTarget) {
        Optional<Map<String, String>> parsed = DigestParams.parse(authorization);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> p = parsed.get();
        String username = p.getOrDefault("username", "");
        String nonce = p.getOrDefault("nonce", "");
        String response = p.getOrDefault("response", "");
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.fromToken(p.getOrDefault("algorithm", "MD5"));
        if (algorithm.isEmpty() || !realm.equals(p.get("realm")) || !requestTarget.equals(p.get("uri"))
                || !nonceIsFresh(nonce)) {
            return Optional.empty();
        }
        Optional<Account> account = accounts.get().byUsername(username);
        Optional<String> ha1 = account.flatMap(a -> a.credentials().ha1(algorithm.get()));
        if (ha1.isEmpty()) {
            return Optional.empty();
        }
        DigestAlgorithm h = algorithm.get();
        String ha2 = h.hash(method + ":" + requestTarget);
        String qop = p.get("qop");
        String expected;
        if (qop == null) { // RFC 2069 form, still sent by some phones
            expected = h.hash(ha1.get() + ":" + nonce + ":" + ha2);
        } else if (qop.equals("auth")) {
            expected = h.hash(ha1.get() + ":" + nonce + ":" + p.getOrDefault("nc", "") + ":"
                    + p.getOrDefault("cnonce", "") + ":auth:" + ha2);
        } else {
            return Optional.empty();
        }
        boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        return matches ? account : Optional.empty();
    }

    private String nonce(long issuedSecond) {
        ByteBuffer bytes = ByteBuffer.allocate(TIME_BYTES + MAC_BYTES);
        bytes.putLong(issuedSecond);
        bytes.put(mac(issuedSecond), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    private boolean nonceIsFresh(String nonce) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (bytes.length != TIME_BYTES + MAC_BYTES) {
            return false;
        }
        long issued = ByteBuffer.wrap(bytes).getLong();
        long age = clock.millis() / 1000 - issued;
        return age >= 0 && age <= NONCE_LIFETIME.toSeconds()
                && MessageDigest.isEqual(nonce(issued).getBytes(StandardCharsets.US_ASCII),
                        nonce.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] mac(long issuedSecond) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(nonceKey);
            return mac.doFinal(ByteBuffer.allocate(TIME_BYTES).putLong(issuedSecond).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }
}
