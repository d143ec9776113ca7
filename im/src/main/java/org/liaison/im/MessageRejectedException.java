package org.liaison.im;

/**
 * The store refused a message because of a limit; nothing was stored. Checked, because the
 * MESSAGE handler must turn each refusal into a final response instead of a 202 and the
 * compiler should remind it to. Storage failures are not refusals: they surface as
 * {@link java.io.UncheckedIOException} (answer 500, the sender retries).
 */
public abstract sealed class MessageRejectedException extends Exception
        permits QueueFullException, SenderQueueFullException, MessageTooLargeException {

    MessageRejectedException(String message) {
        super(message);
    }
}
