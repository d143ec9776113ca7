package org.liaison.sip.proxy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 of the tokens the proxy puts in Route URIs ({@link RouteToken}, {@link HandoffToken}): over an
 * expiry and length-prefixed fields, so that no two different inputs feed it the same bytes, cut to a few bytes of
 * hex; and the constant-time comparison of a presented one.
 */
final class TokenMac {
    private final SecretKeySpec key;
    private final int bytes;
    /**
     * One keyed HMAC per thread (a Mac is not thread-safe; doFinal resets it for the next token), as NonceService
     * keeps its own: looking the algorithm up and keying it for each token was 1.5 % of the samples under call load
     * (docs/BENCHMARKS.md, "timers on a wheel", 2026-12-06 23:03).
     */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::keyedMac);

    /** {@code bytes}: how many bytes of the HMAC a token carries. */
    TokenMac(byte[] key, int bytes) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
        this.bytes = bytes;
    }

    static byte[] utf8(String field) {
        return field.getBytes(StandardCharsets.UTF_8);
    }

    /** The hex MAC of {@code expiry} and {@code fields}. */
    String of(long expiry, byte[]... fields) {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(input)) {
            out.writeLong(expiry);
            for (byte[] field : fields) {
                out.writeInt(field.length);
                out.write(field);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing to memory", e);
        }
        return HexFormat.of().formatHex(macs.get().doFinal(input.toByteArray()), 0, bytes);
    }

    private Mac keyedMac() {
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            return hmac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java runtime", e);
        }
    }

    /** Whether a token's MAC is {@code expected}, in time that does not tell how much of it matched. */
    static boolean matches(String presented, String expected) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }
}
