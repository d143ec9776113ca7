package org.liaison.sip.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The state the nodes of a cluster share (the Redis of {@code cluster.redis-uri}) could not be
 * reached, or did not answer in time. Nothing changed: each write there is one atomic script, so
 * it ran whole or not at all (a write that timed out may still have run whole). The router answers
 * the request 503 with Retry-After (RFC 3261 §21.5.4): it comes back by itself once Redis does.
 *
 * <p>An {@link UncheckedIOException}, as the embedded journal's failures, so a caller written for
 * "could not persist" handles it; thrown instead of lettuce's own exceptions so that no package but
 * the stores knows lettuce.
 */
public final class SharedStateUnavailable extends UncheckedIOException {

    SharedStateUnavailable(String message, Throwable cause) {
        super(message, new IOException(cause.getMessage(), cause));
    }
}
