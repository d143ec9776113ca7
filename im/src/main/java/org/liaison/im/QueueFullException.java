package org.liaison.im;

/** The recipient already has {@link OfflineStoreSettings#maxMessagesPerUser()} messages waiting. */
public final class QueueFullException extends MessageRejectedException {

    private final String recipient;
    private final int limit;

    public QueueFullException(String recipient, int limit) {
        super("offline queue of " + recipient + " is full (" + limit + " messages)");
        this.recipient = recipient;
        this.limit = limit;
    }

    public String recipient() {
        return recipient;
    }

    public int limit() {
        return limit;
    }
}
