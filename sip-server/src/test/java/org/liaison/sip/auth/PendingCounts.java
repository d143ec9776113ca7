package org.liaison.sip.auth;

import java.time.Duration;

/** Nonce-counts as the authenticator leaves them pending, for the tests of the stores that record them. */
public final class PendingCounts {
    private static final Duration LIFETIME = Duration.ofMinutes(5);

    private PendingCounts() {
    }

    /** A replay table in memory, as one machine keeps it. */
    public static NonceCountStore memoryTable() {
        return new NonceCounts(1000);
    }

    /** Count {@code nc} of {@code nonce}, issued now, to be recorded in {@code table}; {@code onSuccess} on success. */
    public static PendingCount of(NonceCountStore table, String nonce, long nc, Runnable onSuccess) {
        long now = System.currentTimeMillis();
        return new PendingCount(table, nonce, now, nc, now - LIFETIME.toMillis(), onSuccess);
    }
}
