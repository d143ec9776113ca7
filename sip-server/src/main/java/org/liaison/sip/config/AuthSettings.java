package org.liaison.sip.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.liaison.provisioning.DigestAlgorithm;

/**
 * How SIP digest authentication behaves, validated once when the configuration is loaded.
 *
 * @param realm                the realm of every challenge; the HA1s in users.csv must have been computed with it
 * @param algorithms           offered in this order, most preferred first (RFC 8760 §2.4); key
 *                             {@code auth.algorithms}
 * @param nonceLifetime        how long a nonce may be used before the client is re-challenged with stale=TRUE; key
 *                             {@code auth.nonce-lifetime-seconds}
 * @param maxFailuresPerSource failures from one address, whatever the usernames, within {@code failureWindow} that
 *                             block the whole address (volume); key {@code auth.max-failures-per-source}
 * @param maxFailuresPerUser   failures for one username, from anywhere, within {@code failureWindow} that slow the
 *                             username down; key {@code auth.max-failures-per-user}
 * @param failureWindow        the sliding window failures are counted in; key {@code auth.failure-window-seconds}
 * @param blockDuration        how long a block lasts, and how long a slowed username stays slowed after its last
 *                             failure; key {@code auth.block-seconds}
 * @param maxFailuresPerSourceUser failures for one username from one address within {@code failureWindow}
 *                             that block that pair only; key {@code auth.max-failures-per-source-user}
 * @param maxUsernamesPerSource usernames failing from one address within {@code failureWindow} that block the whole
 *                             address (spraying); key {@code auth.max-usernames-per-source}
 */
public record AuthSettings(String realm, List<DigestAlgorithm> algorithms, Duration nonceLifetime,
        int maxFailuresPerSource, int maxFailuresPerUser, Duration failureWindow, Duration blockDuration,
        int maxFailuresPerSourceUser, int maxUsernamesPerSource) {

    public AuthSettings {
        Objects.requireNonNull(realm, "realm");
        if (realm.isBlank() || !realm.chars().allMatch(AuthSettings::isQuotable)) {
            // The realm is sent as a quoted-string (RFC 3261 §25.1); refusing '"', '\' and controls spares us escaping.
            throw new IllegalArgumentException("realm must be non-blank printable text without '\"' or '\\': " + realm);
        }
        Objects.requireNonNull(algorithms, "auth.algorithms");
        if (algorithms.isEmpty() || algorithms.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("auth.algorithms must name at least one algorithm: " + algorithms);
        }
        if (Set.copyOf(algorithms).size() != algorithms.size()) {
            throw new IllegalArgumentException("auth.algorithms must not repeat an algorithm: " + algorithms);
        }
        algorithms = List.copyOf(algorithms);
        requirePositive(nonceLifetime, "auth.nonce-lifetime-seconds");
        requirePositive(maxFailuresPerSource, "auth.max-failures-per-source");
        requirePositive(maxFailuresPerUser, "auth.max-failures-per-user");
        requirePositive(failureWindow, "auth.failure-window-seconds");
        requirePositive(blockDuration, "auth.block-seconds");
        requirePositive(maxFailuresPerSourceUser, "auth.max-failures-per-source-user");
        requirePositive(maxUsernamesPerSource, "auth.max-usernames-per-source");
    }

    /** The {@code auth.*} keys; {@code realm} is the SIP domain. */
    static AuthSettings from(ConfigReader r, String realm) throws ConfigException {
        List<DigestAlgorithm> algorithms = new ArrayList<>();
        for (DigestAlgorithm a : r.list("auth.algorithms", "SHA-256, MD5", "a digest algorithm (SHA-256 or MD5)",
                t -> DigestAlgorithm.fromToken(t).orElse(null))) {
            if (algorithms.contains(a)) {
                throw r.problem("auth.algorithms", a.token() + " is listed twice");
            }
            algorithms.add(a);
        }
        if (algorithms.isEmpty()) {
            throw r.problem("auth.algorithms", "name at least one of SHA-256, MD5");
        }
        return new AuthSettings(realm, algorithms,
                r.seconds("auth.nonce-lifetime-seconds", 300, 10, 86400),
                r.integer("auth.max-failures-per-source", 100, 1, 100_000),
                r.integer("auth.max-failures-per-user", 20, 1, 100_000),
                r.seconds("auth.failure-window-seconds", 600, 1, 86400),
                r.seconds("auth.block-seconds", 600, 1, 7 * 86400),
                r.integer("auth.max-failures-per-source-user", 10, 1, 100_000),
                r.integer("auth.max-usernames-per-source", 10, 1, 100_000));
    }

    private static boolean isQuotable(int c) {
        return c >= 0x20 && c != 0x7f && c != '"' && c != '\\';
    }

    private static void requirePositive(Duration value, String key) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive: " + value);
        }
    }

    private static void requirePositive(int value, String key) {
        if (value < 1) {
            throw new IllegalArgumentException(key + " must be at least 1: " + value);
        }
    }
}
