package org.liaison.im;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A store kept on another machine (the cluster's Redis) could not be reached, or did not answer
 * in time. Nothing is corrupted: each operation is atomic there, so it ran whole or not at all.
 * A command that timed out may still have run: a sender who retries may then have its message
 * kept twice, which the unchanged Call-ID lets the device recognise. The SIP side answers 503 with
 * Retry-After (RFC 3261 §21.5.4), since the store comes back by itself once the server does.
 *
 * <p>An {@link UncheckedIOException}, so code written for the file store's I/O failures already
 * handles it.
 */
public final class StoreUnavailableException extends UncheckedIOException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, new IOException(cause.getMessage(), cause));
    }
}
