package org.liaison.sip.auth;

import java.time.Duration;
import java.util.Objects;

import org.liaison.provisioning.Account;

/** What {@link DigestAuthenticator#verify} decided about a request's credentials. */
public sealed interface AuthResult
        permits AuthResult.Authenticated, AuthResult.Stale, AuthResult.Rejected, AuthResult.Blocked {

    /** The credentials prove that the request comes from {@code account}. */
    record Authenticated(Account account) implements AuthResult {
        public Authenticated {
            Objects.requireNonNull(account, "account");
        }
    }

    /**
     * The digest is right but its nonce is expired, unknown to this server instance, or replayed: answer with a fresh
     * challenge carrying stale=TRUE (RFC 7616 §3.3) so the client retries without asking its user. Not a failure.
     */
    record Stale() implements AuthResult {
    }

    /**
     * The credentials do not prove anything: unknown user, wrong password, wrong realm, unsupported algorithm or qop,
     * malformed nonce-count. Deliberately one type with no detail, so that callers cannot tell an unknown user from a
     * wrong password and neither can the client. Answer with a fresh challenge (401/407).
     */
    record Rejected() implements AuthResult {
    }

    /**
     * Too many failures from this source, for this username from this source, or for this username (slowed down): the
     * password was not checked. Worth retrying after {@code retryAfter}.
     */
    record Blocked(Duration retryAfter) implements AuthResult {
        public Blocked {
            Objects.requireNonNull(retryAfter, "retryAfter");
        }
    }
}
