package org.liaison.sip.media;

/**
 * Why an offer cannot go on: the status to answer with, the text of a {@code Warning: 399} header,
 * and a Retry-After in seconds (0: none).
 */
public record MediaRefusal(int status, String warning, int retryAfterSeconds) {
    public MediaRefusal {
        // the text goes inside a quoted-string (RFC 3261 §20.43): no quotes, no line breaks
        warning = warning.replaceAll("[\"\\\\\\p{Cntrl}]", "'");
    }
}
