package org.liaison.sip.cluster;

import java.io.IOException;

/** Redis could not be reached at start: {@code bin/liaison serve} says so in one line naming the key, and exits 2. */
public final class RedisUnreachable extends IOException {
    RedisUnreachable(String where, Throwable cause) {
        super("cluster.redis-uri " + where + ": cannot reach Redis: " + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
