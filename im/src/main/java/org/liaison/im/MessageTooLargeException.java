package org.liaison.im;

/** The body is larger than {@link OfflineStoreSettings#maxMessageBytes()}. */
public final class MessageTooLargeException extends MessageRejectedException {

    private final int size;
    private final int limit;

    public MessageTooLargeException(int size, int limit) {
        super("message body of " + size + " bytes exceeds the limit of " + limit + " bytes");
        this.size = size;
        this.limit = limit;
    }

    public int size() {
        return size;
    }

    public int limit() {
        return limit;
    }
}
