package org.liaison.im.messaging;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts of what happened to chat messages, logged as one line when they changed and read by the admin listener. */
public final class MessagingMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(MessagingMetrics.class);

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong expired = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private String lastLogged = "";

    /** A MESSAGE from a local user taken in (forwarded to devices or stored). */
    public void accepted() {
        accepted.incrementAndGet();
    }

    void stored() {
        stored.incrementAndGet();
    }

    void delivered() {
        delivered.incrementAndGet();
    }

    void failed() {
        failed.incrementAndGet();
    }

    /** Messages the store deleted at their expiry. */
    public void expired(int count) {
        expired.addAndGet(count);
    }

    /** The counters since start, for the admin listener's metrics. */
    public record Counts(long accepted, long stored, long delivered, long expired, long failed) {
    }

    public Counts counts() {
        return new Counts(accepted.get(), stored.get(), delivered.get(), expired.get(), failed.get());
    }

    /** Logs the counters since start, unless nothing changed since the last line. */
    public synchronized void log() {
        String line = "accepted=" + accepted + " stored=" + stored + " delivered=" + delivered + " expired=" + expired
                + " failed=" + failed;
        if (!line.equals(lastLogged)) {
            LOG.info("messages {}", line);
            lastLogged = line;
        }
    }
}
