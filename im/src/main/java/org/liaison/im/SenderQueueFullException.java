package org.liaison.im;

/**
 * The sender already has as many messages waiting as it may: for this recipient
 * ({@link OfflineStoreSettings#maxMessagesPerSenderPerUser()}) or in the whole store
 * ({@link OfflineStoreSettings#maxMessagesPerSender()}). Other senders' messages are still taken.
 */
public final class SenderQueueFullException extends MessageRejectedException {

    private final String origin;
    private final int limit;

    public SenderQueueFullException(String origin, String where, int limit) {
        super(origin + " already has " + limit + " messages waiting " + where);
        this.origin = origin;
        this.limit = limit;
    }

    public String origin() {
        return origin;
    }

    public int limit() {
        return limit;
    }
}
