package org.liaison.im;

/**
 * Makes message ids that sort as strings in arrival order: zero-padded epoch milliseconds, a
 * dash, a zero-padded sequence within that millisecond. Ids never go backwards, not even when
 * the wall clock does or when the store is reopened in the same millisecond, because the
 * generator starts from the highest id already on disk.
 */
final class MessageIds {

    private static final int MAX_SEQUENCE = 999_999;

    private long millis;
    private int sequence;

    /** @param highest the highest id in the store, or null when it is empty */
    MessageIds(String highest) {
        if (highest == null) {
            millis = -1;
            sequence = MAX_SEQUENCE;
        } else {
            millis = Long.parseLong(highest.substring(0, highest.indexOf('-')));
            sequence = Integer.parseInt(highest.substring(highest.indexOf('-') + 1));
        }
    }

    String next(long nowMillis) {
        if (nowMillis > millis) {
            millis = nowMillis;
            sequence = 0;
        } else if (sequence == MAX_SEQUENCE) {
            millis++;
            sequence = 0;
        } else {
            sequence++;
        }
        return format(millis, sequence);
    }

    static boolean isId(String text) {
        return text.matches("\\d{13}-\\d{6}");
    }

    private static String format(long millis, int sequence) {
        return String.format("%013d-%06d", millis, sequence);
    }
}
