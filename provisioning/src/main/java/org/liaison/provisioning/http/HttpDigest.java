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
import java.util.OptionalLong;
import java.util.regex.Pattern;
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
 * <p>qop=auth is required: the RFC 2069 form (no qop, no nonce count) cannot tell a replay from a
 * request, and every phone we provision sends qop. A nonce is its issue time, 64 random bits (so
 * no two clients share one) and an HMAC of both under a key made at start: a restart only costs
 * clients one more challenge. A nonce is good for {@link #NONCE_LIFETIME}, and each nonce count
 * once: a request whose count does not exceed the last accepted on its nonce is a replay
 * ({@link NonceCounts}). Right credentials on an expired or replayed nonce are answered with
 * {@code stale=true} (RFC 7616 §3.3, §5.4) so a client retries without asking its user.
 */
final class HttpDigest {
    static final Duration NONCE_LIFETIME = Duration.ofMinutes(5);
    private static final List<DigestAlgorithm> OFFERED = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    private static final int TIME_BYTES = Long.BYTES;
    private static final int RANDOM_BYTES = 8;
    private static final int MAC_BYTES = 16;
    /** RFC 7616 §3.4: nc is exactly 8 hexadecimal digits. */
    private static final Pattern NONCE_COUNT = Pattern.compile("[0-9a-fA-F]{8}");

    private final String realm;
    private final Supplier<? extends AccountDirectory> accounts;
    private final Clock clock;
    private final SecretKeySpec nonceKey;
    private final SecureRandom random = new SecureRandom();
    private final NonceCounts counts = new NonceCounts(NONCE_LIFETIME.toSeconds());

    HttpDigest(String realm, Supplier<? extends AccountDirectory> accounts, Clock clock) {
        this.realm = realm;
        this.accounts = accounts;
        this.clock = clock;
        byte[] key = new byte[32];
        random.nextBytes(key);
        this.nonceKey = new SecretKeySpec(key, "HmacSHA256");
    }

    /** One {@code WWW-Authenticate} value per offered algorithm, most preferred first, on one new nonce. */
    List<String> challenges(boolean stale) {
        byte[] unique = new byte[RANDOM_BYTES];
        random.nextBytes(unique);
        String nonce = nonce(clock.millis() / 1000, unique);
        List<String> values = new ArrayList<>();
        for (DigestAlgorithm algorithm : OFFERED) {
            values.add("Digest realm=\"" + realm + "\", qop=\"auth\", algorithm=" + algorithm.token()
                    + ", nonce=\"" + nonce + "\"" + (stale ? ", stale=true" : ""));
        }
        return values;
    }

    /** Whether {@code authorization} signs {@code method} on {@code requestTarget}, and as whom. */
    DigestVerdict verify(String authorization, String method, String requestTarget) {
        Optional<Map<String, String>> parsed = DigestParams.parse(authorization);
        if (parsed.isEmpty()) {
            return new DigestVerdict.Refused("");
        }
        Map<String, String> p = parsed.get();
        String username = p.getOrDefault("username", "");
        String nonce = p.getOrDefault("nonce", "");
        String nc = p.getOrDefault("nc", "");
        String cnonce = p.getOrDefault("cnonce", "");
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.fromToken(p.getOrDefault("algorithm", "MD5"));
        OptionalLong issued = issueSecond(nonce);
        if (algorithm.isEmpty() || !realm.equals(p.get("realm")) || !requestTarget.equals(p.get("uri"))
                || issued.isEmpty() || !"auth".equals(p.get("qop")) || !NONCE_COUNT.matcher(nc).matches()
                || cnonce.isEmpty()) {
            return new DigestVerdict.Refused(username);
        }
        Optional<Account> account = accounts.get().byUsername(username);
        Optional<String> ha1 = account.flatMap(a -> a.credentials().ha1(algorithm.get()));
        if (ha1.isEmpty()) {
            return new DigestVerdict.Refused(username);
        }
        DigestAlgorithm h = algorithm.get();
        String expected = h.hash(ha1.get() + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:"
                + h.hash(method + ":" + requestTarget));
        String response = p.getOrDefault("response", "").toLowerCase(Locale.ROOT);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                response.getBytes(StandardCharsets.US_ASCII))) {
            return new DigestVerdict.Refused(username);
        }
        long now = clock.millis() / 1000;
        long age = now - issued.getAsLong();
        if (age < 0 || age > NONCE_LIFETIME.toSeconds()
                || !counts.advance(nonce, issued.getAsLong(), Long.parseLong(nc, 16), now)) {
            return new DigestVerdict.Stale(username);
        }
        return new DigestVerdict.Signed(account.get());
    }

    private String nonce(long issuedSecond, byte[] unique) {
        ByteBuffer bytes = ByteBuffer.allocate(TIME_BYTES + RANDOM_BYTES + MAC_BYTES);
        bytes.putLong(issuedSecond).put(unique);
        bytes.put(mac(issuedSecond, unique), 0, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** The second {@code nonce} was issued in, when it is one of ours; empty otherwise. */
    private OptionalLong issueSecond(String nonce) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return OptionalLong.empty();
        }
        if (bytes.length != TIME_BYTES + RANDOM_BYTES + MAC_BYTES) {
            return OptionalLong.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long issued = buffer.getLong();
        byte[] unique = new byte[RANDOM_BYTES];
        buffer.get(unique);
        boolean ours = MessageDigest.isEqual(nonce(issued, unique).getBytes(StandardCharsets.US_ASCII),
                nonce.getBytes(StandardCharsets.US_ASCII));
        return ours ? OptionalLong.of(issued) : OptionalLong.empty();
    }

    private byte[] mac(long issuedSecond, byte[] unique) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(nonceKey);
            return mac.doFinal(ByteBuffer.allocate(TIME_BYTES + RANDOM_BYTES).putLong(issuedSecond).put(unique).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }
}
