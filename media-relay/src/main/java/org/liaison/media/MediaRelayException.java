package org.liaison.media;

/**
 * An offer or answer the relay cannot take. {@link Reason} tells the SIP side which response to
 * give; the message is one line, fit for a Warning header.
 */
public final class MediaRelayException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why, mapped by the SIP side: PORTS_EXHAUSTED and UNAVAILABLE to 503, BAD_SDP to 488 or 400. */
    public enum Reason { PORTS_EXHAUSTED, BAD_SDP, UNKNOWN_CALL, UNAVAILABLE }

    private final Reason reason;

    public MediaRelayException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
