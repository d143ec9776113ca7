package org.liaison.im.messaging;

/** A compressed body (RFC 3261 §20.12 Content-Encoding) the server cannot or will not turn back into the message. */
public final class UndecodableBodyException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why, each with the answer it gets. */
    public enum Reason {
        /** A coding the server does not know: 415, listing those it does (RFC 3261 §21.4.13). */
        UNSUPPORTED_CODING,
        /** The decoded body is over {@code im.max-message-bytes}: 513, as an uncompressed one (RFC 3428 §8). */
        TOO_LARGE,
        /** The bytes are not what the coding says: 400. */
        MALFORMED
    }

    private final Reason reason;

    UndecodableBodyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
