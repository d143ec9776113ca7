package org.liaison.sip.tls.acme;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right of one node of a cluster to order the shared certificate, so N nodes make one order, not N (the CA's
 * rate limits: Let's Encrypt allows 5 duplicate certificates a week). Taken for {@link #TERM}, extended every third
 * of it while the order runs, given up when it ends; a node that dies holding it blocks the others for at most
 * {@link #TERM}.
 */
final class OrderingLease implements AutoCloseable {
    /** Longer than an order normally takes, short enough that a dead node's lease is soon free. */
    static final Duration TERM = Duration.ofMinutes(2);
    private static final Logger LOG = LoggerFactory.getLogger(OrderingLease.class);

    private final SharedAcmeState shared;
    private final String holder;
    private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "acme-lease");
        thread.setDaemon(true);
        return thread;
    });

    private OrderingLease(SharedAcmeState shared, String holder) {
        this.shared = shared;
        this.holder = holder;
        long third = TERM.toMillis() / 3;
        keeper.scheduleAtFixedRate(this::extend, third, third, TimeUnit.MILLISECONDS);
    }

    /** The lease for {@code holder}, or empty while another node holds it. */
    static Optional<OrderingLease> take(SharedAcmeState shared, String holder) throws IOException {
        return shared.takeLease(holder, TERM) ? Optional.of(new OrderingLease(shared, holder)) : Optional.empty();
    }

    private void extend() {
        try {
            if (!shared.takeLease(holder, TERM)) {
                LOG.warn("acme: the lease for ordering passed to another node while this one ordered; its"
                        + " certificate will not be shared");
            }
        } catch (IOException e) {
            LOG.debug("acme: cannot extend the lease for ordering: {}", e.getMessage());
        }
    }

    /** Gives the lease up, so another node may order at once when it needs to; it expires by itself otherwise. */
    @Override
    public void close() {
        keeper.shutdownNow();
        try {
            shared.releaseLease(holder);
        } catch (IOException e) {
            LOG.debug("acme: the lease for ordering ends by itself within {}: {}", TERM, e.getMessage());
        }
    }
}
