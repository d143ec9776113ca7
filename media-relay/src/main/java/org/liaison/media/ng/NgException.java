package org.liaison.media.ng;

/** A malformed ng message: it is answered with {@code result=error} and this message. */
final class NgException extends Exception {
    private static final long serialVersionUID = 1L;

    NgException(String message) {
        super(message);
    }
}
