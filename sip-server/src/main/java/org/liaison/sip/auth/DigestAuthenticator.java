package org.liaison.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.sip.config.AuthSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIP digest authentication (RFC 3261 §22, RFC 7616, RFC 8760) against the account directory: issues the challenges
 * of 401/407 responses and verifies the credentials of the requests that answer them. Thread-safe.
 *
 * <p>Only qop=auth is accepted, though RFC 3261 §22.4 still allows RFC 2069 responses without qop: replay protection
 * rests on the nonce-count, which exists only with qop, and every challenge we send offers qop="auth".
 *
 * <p>An unknown username and a wrong password give the same {@link AuthResult.Rejected} after the same work: a
 * digest is computed against a random stand-in HA1, so neither the answer nor its timing tells which usernames exist.
 * Passwords, HA1s and digest responses are never logged.
 */
public final class DigestAuthenticator {
    private static final Logger log = LoggerFactory.getLogger(DigestAuthenticator.class);
    private static final String QOP_AUTH = "auth";
    /** RFC 7616 §3.4: nc-value = 8LHEX. */
    private static final int NC_DIGITS = 8;
    private static final String HEX_DIGITS = "0123456789abcdefABCDEF";
    private static final int MAX_TRACKED_NONCES = 100_000;

    private final AuthSettings settings;
    private final AccountDirectory directory;
    private final NonceService nonces;
    private final AuthFailureLimiter limiter;
    private final RequestDigest digest;
    private final String opaque;
    private final Map<DigestAlgorithm, String> standInHa1 = new EnumMap<>(DigestAlgorithm.class);

    /** One machine: nonces are signed with a secret drawn now, and their counts kept in memory. */
    public DigestAuthenticator(AuthSettings settings, AccountDirectory directory, Clock clock) {
        this(settings, directory, clock, RequestDigest.RFC_7616, new NonceCounts(MAX_TRACKED_NONCES),
                new AuthFailureLimiter(settings, clock));
    }

    /**
     * A node of a cluster: its nonces and their counts are its own, as on one machine (a secret drawn at start, the
     * counts in memory), so an authenticated request costs no Redis round trip for its nonce-count. A nonce issued
     * by another node (or by this one before a restart) is not ours: a right digest with it gets 401/407 with
     * stale=TRUE and the phone retries at once with this node's nonce (RFC 7616 §3.3), so a request one node
     * accepted cannot be replayed through another, and a phone that moves to another node pays one round trip.
     * {@code sharedFailures} holds the guessing defence's counts and blocks for every node, so a guesser spreading
     * over the nodes gets the budget of one.
     */
    public DigestAuthenticator(AuthSettings settings, AccountDirectory directory, Clock clock,
            AuthFailureStore sharedFailures) {
        this(settings, directory, clock, RequestDigest.RFC_7616, new NonceCounts(MAX_TRACKED_NONCES),
                new AuthFailureLimiter(settings, clock, sharedFailures));
    }

    DigestAuthenticator(AuthSettings settings, AccountDirectory directory, Clock clock, RequestDigest digest,
            NonceCounts nonceCounts) {
        this(settings, directory, clock, digest, nonceCounts, new AuthFailureLimiter(settings, clock));
    }

    private DigestAuthenticator(AuthSettings settings, AccountDirectory directory, Clock clock, RequestDigest digest,
            NonceCounts nonceCounts, AuthFailureLimiter limiter) {
        this.settings = settings;
        this.directory = directory;
        this.digest = digest;
        SecureRandom random = new SecureRandom();
        this.nonces = new NonceService(settings.realm(), settings.nonceLifetime(), clock, random, nonceCounts);
        this.limiter = limiter;
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        // RFC 7616 §3.3: the client returns opaque unchanged. We send one so clients that expect it find it, but rely
        // on nothing in it: the nonce authenticates itself.
        this.opaque = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            random.nextBytes(bytes);
            standInHa1.put(algorithm, algorithm.hash(HexFormat.of().formatHex(bytes)));
        }
    }

    /** The guessing defence's counts, for the admin listener. */
    public AuthCounters counters() {
        return limiter.counters();
    }

    /**
     * The values of the WWW-Authenticate (401) or Proxy-Authenticate (407) header fields to send: one challenge per
     * configured algorithm, most preferred first (RFC 8760 §2.4), all with the same fresh nonce. {@code stale} after
     * {@link AuthResult.Stale}, so that the client retries without asking its user (RFC 7616 §3.3).
     */
    public List<String> challenges(boolean stale) {
        return challenges(stale, settings.algorithms());
    }

    /**
     * As {@link #challenges(boolean)}, limited to those of {@code algorithms} that are configured: for clients that
     * give up on a challenge set containing an algorithm they do not know, instead of ignoring it (RFC 8760 §2.4).
     */
    public List<String> challenges(boolean stale, List<DigestAlgorithm> algorithms) {
        String nonce = nonces.issue();
        return settings.algorithms().stream().filter(algorithms::contains).map(a -> challenge(a, nonce, stale)).toList();
    }

    private String challenge(DigestAlgorithm algorithm, String nonce, boolean stale) {
        return "Digest realm=\"" + settings.realm() + "\", nonce=\"" + nonce + "\", opaque=\"" + opaque
                + "\", algorithm=" + algorithm.token() + ", qop=\"" + QOP_AUTH + "\"" + (stale ? ", stale=TRUE" : "");
    }

    /**
     * Whether {@code credentials}, found in a request with method {@code method} that arrived from {@code origin},
     * prove the request comes from an account. The digest covers the {@code uri} the client wrote, not the
     * Request-URI (as Kamailio does): clients differ in what they put there, and the nonce-count, not the URI, stops
     * replays.
     */
    public AuthResult verify(String method, DigestResponse credentials, Origin origin) {
        String username = credentials.username();
        AuthFailureLimiter.Admission admission = limiter.check(origin, username);
        Optional<Duration> refused = admission.refusal();
        if (refused.isPresent()) {
            log.debug("auth-blocked source={} user={}", origin.address().getHostAddress(), LogSafe.token(username));
            return new AuthResult.Blocked(refused.get());
        }
        if (!settings.realm().equals(credentials.realm())) {
            return reject(origin, username, "realm");
        }
        Optional<DigestAlgorithm> algorithm = offered(credentials.algorithm());
        if (algorithm.isEmpty()) {
            return reject(origin, username, "algorithm");
        }
        if (!credentials.qop().map(QOP_AUTH::equalsIgnoreCase).orElse(false) || credentials.cnonce().isEmpty()) {
            return reject(origin, username, "qop");
        }
        OptionalLong nc = nonceCount(credentials);
        if (nc.isEmpty()) {
            return reject(origin, username, "nc");
        }
        Optional<Account> account = accountProvenBy(algorithm.get(), method, credentials);
        if (account.isEmpty()) {
            return reject(origin, username, "credentials");
        }
        // Only now that the digest is right: stale=TRUE tells the client its password is right and only the nonce
        // must be renewed (RFC 2617 §3.2.1), so it must never answer a wrong one.
        Optional<String> notAccepted = nonces.refuseCount(credentials.nonce(), nc.getAsLong());
        if (notAccepted.isPresent()) {
            log.debug("auth-stale source={} user={} nonce={}", origin.address().getHostAddress(),
                    LogSafe.token(username), notAccepted.get());
            return new AuthResult.Stale();
        }
        limiter.recordSuccess(admission);
        return new AuthResult.Authenticated(account.get());
    }

    /** An algorithm we offer; one we do not (MD5-sess, or MD5 when only SHA-256 is configured) is refused. */
    private Optional<DigestAlgorithm> offered(String token) {
        return DigestAlgorithm.fromToken(token).filter(settings.algorithms()::contains);
    }

    /** The nonce-count as a number, when it is 8 hex digits and not zero (counting starts at 1, RFC 7616 §3.4). */
    private static OptionalLong nonceCount(DigestResponse credentials) {
        String nc = credentials.nc().orElse("");
        if (nc.length() != NC_DIGITS) {
            return OptionalLong.empty();
        }
        for (int i = 0; i < NC_DIGITS; i++) {
            if (HEX_DIGITS.indexOf(nc.charAt(i)) < 0) {
                return OptionalLong.empty();
            }
        }
        long count = Long.parseLong(nc, 16);
        return count > 0 ? OptionalLong.of(count) : OptionalLong.empty();
    }

    /**
     * The account whose HA1 yields the client's request-digest. Does the same work when the username is unknown or
     * has no HA1 for this algorithm, so that timing does not tell these cases from a wrong password.
     */
    private Optional<Account> accountProvenBy(DigestAlgorithm algorithm, String method, DigestResponse credentials) {
        Optional<Account> account = directory.byUsername(credentials.username());
        Optional<String> ha1 = account.flatMap(a -> a.credentials().ha1(algorithm));
        String expected = digest.compute(algorithm, ha1.orElse(standInHa1.get(algorithm)), method, credentials);
        // Request-digests are lower-case hex (RFC 7616 §3.4.1); lower-casing the client's forgives nothing that matters.
        boolean equal = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                credentials.response().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
        return equal && ha1.isPresent() ? account : Optional.empty();
    }

    private AuthResult reject(Origin origin, String username, String reason) {
        log.debug("auth-reject source={} user={} reason={}", origin.address().getHostAddress(), LogSafe.token(username),
                reason);
        limiter.recordFailure(origin, username);
        return new AuthResult.Rejected();
    }
}
