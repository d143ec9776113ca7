package org.liaison.sip.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues the nonces of our challenges and recognises them later without remembering them (RFC 7616 §3.3 leaves the
 * nonce's content to the server):
 *
 * <pre>nonce = base64url( issued-at ‖ random ‖ HMAC-SHA256(secret, issued-at ‖ random ‖ realm) )</pre>
 *
 * with issued-at in epoch milliseconds (8 bytes) and 16 random bytes. The 32-byte secret is drawn when the server
 * starts, so a restart turns every outstanding nonce {@link NonceStatus#INVALID}, and in a cluster a nonce is valid
 * only on the node that issued it: the counts that stop its replay are that node's alone.
 *
 * <p>Nonce-counts are the one thing remembered: {@link #refuseCount} lets a nonce authenticate a request only with a
 * nonce-count above every one it was used with before, in {@link NonceCounts} (see it for the bound and its rule).
 */
final class NonceService {
    private static final String MAC_ALGORITHM = "HmacSHA256";
    private static final int SECRET_BYTES = 32;
    private static final int RANDOM_BYTES = 16;
    private static final int SIGNED_BYTES = Long.BYTES + RANDOM_BYTES;
    private static final int MAC_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final byte[] realm;
    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random;
    private final SecretKeySpec secret;
    private final NonceCounts counts;
    /**
     * One keyed HMAC per thread (a Mac is not thread-safe; doFinal resets it for the next nonce): looking the
     * algorithm up and keying it for every nonce cost more than the HMAC itself (issue 12, docs/BENCHMARKS.md).
     */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::keyedMac);

    NonceService(String realm, Duration lifetime, Clock clock, SecureRandom random, NonceCounts counts) {
        byte[] secret = new byte[SECRET_BYTES];
        random.nextBytes(secret);
        this.realm = realm.getBytes(StandardCharsets.UTF_8);
        this.lifetime = lifetime;
        this.clock = clock;
        this.random = random;
        this.secret = new SecretKeySpec(secret, MAC_ALGORITHM);
        this.counts = counts;
    }

    /** A new nonce, issued now. */
    String issue() {
        ByteBuffer nonce = ByteBuffer.allocate(SIGNED_BYTES + MAC_BYTES);
        byte[] randomPart = new byte[RANDOM_BYTES];
        random.nextBytes(randomPart);
        nonce.putLong(clock.millis()).put(randomPart);
        nonce.put(mac(nonce.array()));
        return ENCODER.encodeToString(nonce.array());
    }

    NonceStatus validate(String nonce) {
        return status(issuedAt(nonce));
    }

    private NonceStatus status(OptionalLong issuedAt) {
        if (issuedAt.isEmpty()) {
            return NonceStatus.INVALID;
        }
        long age = clock.millis() - issuedAt.getAsLong();
        return age >= 0 && age <= lifetime.toMillis() ? NonceStatus.VALID : NonceStatus.STALE;
    }

    /**
     * Records that {@code nonce} authenticated a request with nonce-count {@code nc}, decoding the nonce and checking
     * its HMAC once per request (issue 12). Empty when accepted; otherwise nothing is recorded and the reason is
     * given, for the log: {@code invalid}, {@code stale}, or {@code replayed-or-forgotten} when {@code nc} is not
     * above every count the nonce was accepted with so far (a replay, RFC 7616 §3.4 "nc", §5.5).
     */
    Optional<String> refuseCount(String nonce, long nc) {
        OptionalLong issuedAt = issuedAt(nonce);
        NonceStatus status = status(issuedAt);
        if (status != NonceStatus.VALID) {
            return Optional.of(status.name().toLowerCase(Locale.ROOT));
        }
        return counts.advance(nonce, issuedAt.getAsLong(), nc, clock.millis() - lifetime.toMillis()) ? Optional.empty()
                : Optional.of("replayed-or-forgotten");
    }

    /** The issue time of one of our nonces; empty for anything this server instance did not make. */
    private OptionalLong issuedAt(String nonce) {
        byte[] bytes;
        try {
            bytes = DECODER.decode(nonce);
        } catch (IllegalArgumentException notBase64) {
            return OptionalLong.empty();
        }
        if (bytes.length != SIGNED_BYTES + MAC_BYTES) {
            return OptionalLong.empty();
        }
        byte[] signed = Arrays.copyOf(bytes, SIGNED_BYTES);
        byte[] claimedMac = Arrays.copyOfRange(bytes, SIGNED_BYTES, bytes.length);
        if (!MessageDigest.isEqual(mac(signed), claimedMac)) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(ByteBuffer.wrap(signed).getLong());
    }

    /** HMAC over the signed part and the realm, so a nonce made for one realm is worthless in another. */
    private byte[] mac(byte[] buffer) {
        Mac mac = macs.get();
        mac.update(buffer, 0, SIGNED_BYTES);
        return mac.doFinal(realm);
    }

    private Mac keyedMac() {
        try {
            Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(secret);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC_ALGORITHM + " is required by every Java runtime", e);
        }
    }
}
