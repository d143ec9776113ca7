package org.liaison.sip.auth;

/**
 * A store that was to record a {@link PendingCount} in the same atomic step as its write found the count replayed
 * (or forgotten) and wrote nothing: the request is answered with a stale challenge, as {@link PendingCount#record}
 * refusing it would be.
 */
public final class CountRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CountRefused() {
        super("the request's nonce-count was refused: a replay, or a nonce the replay table may have forgotten", null,
                false, false);
    }
}
