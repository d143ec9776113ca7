package org.liaison.provisioning.enrolment;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.liaison.provisioning.DigestAlgorithm;

/**
 * Where one-time enrolment tokens are kept: a file in data.dir on one machine ({@link EnrolmentTokens}), the Redis
 * that the nodes of a cluster share otherwise (sip-server's {@code cluster.RedisEnrolmentTokens}), so a link is
 * spent once whichever node serves it. What every store keeps: only the token's SHA-256 ({@link #hashOf}), the user,
 * the expiry and a state (new, used, replaced), remembered for {@link #FORGET_AFTER} past the expiry.
 */
public interface EnrolmentTokenStore {
    /** How long a spent, replaced or expired token still answers 410 instead of 404. */
    Duration FORGET_AFTER = Duration.ofDays(30);

    /** A token handed out, good until {@code expires}. */
    record Issued(String token, Instant expires) {
    }

    /**
     * A fresh token for each of {@code usernames}; each user's older unused tokens are replaced by it (a printout
     * left lying around stops working once the admin hands out another).
     */
    Map<String, Issued> issueAll(Collection<String> usernames) throws IOException;

    /** Spends {@code token} if it is good, at most once however many servers present it at once; says why not otherwise. */
    Redemption redeem(String token) throws IOException;

    /** A fresh token for {@code username}. */
    default Issued issue(String username) throws IOException {
        return issueAll(List.of(username)).get(username);
    }

    /** A new token: 256 random bits, URL-safe base64 (43 characters). */
    static String newToken(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What a store keeps of a token: its SHA-256, so the store does not let anyone enrol. */
    static String hashOf(String token) {
        return DigestAlgorithm.SHA_256.hash(token);
    }
}
