package org.liaison.im.messaging;

import java.util.Objects;

/**
 * What became of a message handed in to be kept for later: the SIP side answers the sender with
 * it, then runs {@code afterAnswer} (a group post's hand-out to the members' devices).
 */
public record Acceptance(Verdict verdict, Runnable afterAnswer) {

    /** Why a message was kept or not; each has its own answer to the sender. */
    public enum Verdict {
        /** Durable: it survives a crash, so the sender may hear "accepted" (RFC 3428 §7: 202). */
        KEPT,
        /** The body is over the store's size limit. */
        TOO_LARGE,
        /** The recipient has the most messages waiting a user may have. */
        RECIPIENT_QUEUE_FULL,
        /** The sender has its share of messages waiting, for this recipient or in the whole store. */
        SENDER_QUEUE_FULL,
        /** The store could not keep it (an I/O failure, logged). */
        STORE_FAILED,
        /**
         * The cluster's store (Redis) is out of reach: nothing is lost and it comes back by itself,
         * so try again in a few seconds.
         */
        STORE_UNAVAILABLE,
        /** Too many group posts wait to be kept: try again in a few seconds. */
        BUSY
    }

    public Acceptance {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(afterAnswer, "afterAnswer");
    }

    static Acceptance kept(Runnable afterAnswer) {
        return new Acceptance(Verdict.KEPT, afterAnswer);
    }

    static Acceptance refused(Verdict verdict) {
        return new Acceptance(verdict, () -> { });
    }
}
