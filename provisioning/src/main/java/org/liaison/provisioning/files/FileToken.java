package org.liaison.provisioning.files;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The capability in a download link: 256 random bits, base64url without padding (43 characters, safe
 * in a URL path). Only its SHA-256 is written to disk, so the store's directory lists no working link.
 */
final class FileToken {
    static final int BITS = 256;
    private static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private FileToken() {
    }

    static String create() {
        byte[] bits = new byte[BITS / 8];
        RANDOM.nextBytes(bits);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
    }

    /** Whether {@code text} can be a token at all: anything else is unknown without a look-up. */
    static boolean wellFormed(String text) {
        return FORMAT.matcher(text).matches();
    }

    /** The name a token's file and metadata are stored under. */
    static String storageName(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
