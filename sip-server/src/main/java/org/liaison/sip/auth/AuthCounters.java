package org.liaison.sip.auth;

import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * What the guessing defence saw since start (this node's own, in a cluster too), read by the admin
 * listener; each count is one {@link LongAdder} increment where the log line already is.
 */
public final class AuthCounters {
    private final LongAdder failures = new LongAdder();
    private final LongAdder blocks = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final Supplier<Optional<AuthFailureStore.ActiveBlocks>> active;

    /** {@code active}: the blocks and slowdowns the failure store holds now. */
    AuthCounters(Supplier<Optional<AuthFailureStore.ActiveBlocks>> active) {
        this.active = active;
    }

    /** Authentications that failed (wrong password, unknown user, bad realm, ...). */
    public long failures() {
        return failures.sum();
    }

    /** Blocks and slowdowns this node started (a pair, a source or a user): one per auth-block log line. */
    public long blocks() {
        return blocks.sum();
    }

    /** Requests whose password was not checked because their origin was blocked (answered 403). */
    public long refused() {
        return refused.sum();
    }

    /**
     * Blocks and slowdowns in force now, whichever node started them (the store's figure: in a cluster, Redis's);
     * empty when the store cannot count them cheaply.
     */
    public Optional<AuthFailureStore.ActiveBlocks> active() {
        return active.get();
    }

    void failed() {
        failures.increment();
    }

    void blockStarted() {
        blocks.increment();
    }

    void refusedWhileBlocked() {
        refused.increment();
    }
}
