package org.liaison.provisioning;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * The HTTP digest algorithms Liaison supports for SIP (RFC 7616 §3.2, RFC 8760).
 * Each account stores one HA1 per algorithm so that no clear password needs to be kept.
 */
public enum DigestAlgorithm {
    /** RFC 2617 / RFC 3261: every SIP client supports it. */
    MD5("MD5", "MD5", "md5"),
    /** RFC 8760: Linphone supports it; preferred when the client offers it. */
    SHA_256("SHA-256", "SHA-256", "sha256");

    private final String token;
    private final String jcaName;
    private final String storagePrefix;
    /**
     * One MessageDigest per thread (not thread-safe; digest() resets it): looking the algorithm up for each hash cost
     * about as much as the hash itself, twice per authenticated request (issue 12, docs/BENCHMARKS.md).
     */
    private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(this::newDigest);

    DigestAlgorithm(String token, String jcaName, String storagePrefix) {
        this.token = token;
        this.jcaName = jcaName;
        this.storagePrefix = storagePrefix;
    }

    /** The value of the {@code algorithm=} parameter in challenges and credentials. */
    public String token() {
        return token;
    }

    /** The prefix of this algorithm's HA1 in users.csv's password column, e.g. {@code md5}. */
    public String storagePrefix() {
        return storagePrefix;
    }

    /** Lower-case hex digest of the UTF-8 bytes of {@code text}. */
    public String hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex digest of {@code bytes}. */
    String hash(byte[] bytes) {
        return HexFormat.of().formatHex(digests.get().digest(bytes));
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is required by every Java runtime", e);
        }
    }

    /** HA1 = H(username ":" realm ":" password), RFC 7616 §3.4.2. */
    public String ha1(String username, String realm, String password) {
        return hash(username + ":" + realm + ":" + password);
    }

    /** Length in hex characters of this algorithm's digests. */
    public int hexLength() {
        return this == MD5 ? 32 : 64;
    }

    /** Parses an {@code algorithm=} token, case-insensitively; empty for unsupported algorithms. */
    public static Optional<DigestAlgorithm> fromToken(String token) {
        for (DigestAlgorithm a : values()) {
            if (a.token.equalsIgnoreCase(token.trim())) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Parses a storage prefix ({@code md5}, {@code sha256}); empty when unknown. */
    public static Optional<DigestAlgorithm> fromStoragePrefix(String prefix) {
        String p = prefix.toLowerCase(Locale.ROOT);
        for (DigestAlgorithm a : values()) {
            if (a.storagePrefix.equals(p)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
