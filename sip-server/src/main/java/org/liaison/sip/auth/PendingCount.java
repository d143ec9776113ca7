package org.liaison.sip.auth;

import java.util.Objects;

/**
 * The nonce-count of a request whose digest is right and whose nonce is ours and fresh, not yet recorded in the
 * replay table: the request may take effect only once it is. A store that writes for the request may record it in the
 * same atomic step as its write and say so with {@link #recordedWithWrite()} (in a cluster: one Redis script, one
 * round trip less per REGISTER, issue 10); {@link #record()} then records it if that did not happen, and completes the
 * success. A request thread's own object: not thread-safe.
 */
public final class PendingCount {
    private final NonceCountStore store;
    private final String nonce;
    private final long issuedAtMillis;
    private final long count;
    private final long freshSinceMillis;
    /** What a success changes once the count is recorded: the guessing defence trusts the device again. */
    private final Runnable onSuccess;
    private boolean recorded;
    private boolean succeeded;

    PendingCount(NonceCountStore store, String nonce, long issuedAtMillis, long count, long freshSinceMillis,
            Runnable onSuccess) {
        this.store = store;
        this.nonce = Objects.requireNonNull(nonce, "nonce");
        this.issuedAtMillis = issuedAtMillis;
        this.count = count;
        this.freshSinceMillis = freshSinceMillis;
        this.onSuccess = onSuccess;
    }

    /** The nonce, as the client sent it (and as we issued it: its HMAC was checked). */
    public String nonce() {
        return nonce;
    }

    /** When the nonce was issued, epoch ms. */
    public long issuedAtMillis() {
        return issuedAtMillis;
    }

    /** The request's nonce-count. */
    public long count() {
        return count;
    }

    /** The issue time below which nonces have expired (see {@link NonceCountStore#advance}). */
    public long freshSinceMillis() {
        return freshSinceMillis;
    }

    /** Whether the count is recorded, by either way. */
    public boolean isRecorded() {
        return recorded;
    }

    /**
     * Records the count alone, as {@link NonceCountStore#advance} does, unless a write recorded it already; then the
     * request's success counts (the guessing defence trusts the device), once. False for a replayed (or forgotten)
     * count, which the caller answers with a stale challenge.
     *
     * @throws java.io.UncheckedIOException when the store cannot be reached
     */
    public boolean record() {
        if (!recorded && !store.advance(nonce, issuedAtMillis, count, freshSinceMillis)) {
            return false;
        }
        recorded = true;
        if (!succeeded) {
            succeeded = true;
            onSuccess.run();
        }
        return true;
    }

    /**
     * The caller's store accepted the count as {@link NonceCountStore#advance} would have, in its own write (under its
     * own locks: the success is left to {@link #record()}).
     */
    public void recordedWithWrite() {
        if (recorded) {
            throw new IllegalStateException("the nonce-count of this request is recorded already");
        }
        recorded = true;
    }
}
