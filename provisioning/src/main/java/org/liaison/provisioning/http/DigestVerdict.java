package org.liaison.provisioning.http;

import org.liaison.provisioning.Account;

/** What checking an {@code Authorization: Digest} header found. */
sealed interface DigestVerdict {
    /** The request was signed with {@code account}'s credentials, on a nonce and count not seen before. */
    record Signed(Account account) implements DigestVerdict {
    }

    /**
     * Right credentials on a nonce that expired or whose count did not increase (a replay, or a
     * client retrying): answer with a fresh challenge marked {@code stale=true} (RFC 7616 §3.3),
     * which a client answers without asking its user again. Not a failure.
     */
    record Stale(String username) implements DigestVerdict {
    }

    /** Wrong, malformed or not for this server: a failure for {@code username} ("" when none was given). */
    record Refused(String username) implements DigestVerdict {
    }
}
