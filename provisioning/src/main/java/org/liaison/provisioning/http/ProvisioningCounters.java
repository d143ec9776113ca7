package org.liaison.provisioning.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** What the provisioning service answered since start, read by the SIP server's admin listener. */
public final class ProvisioningCounters {
    /** Status classes of the answers counted. */
    public static final List<String> STATUS_CLASSES = List.of("2xx", "3xx", "4xx", "5xx");

    private final Map<String, LongAdder> fetches = Map.of("2xx", new LongAdder(), "3xx", new LongAdder(),
            "4xx", new LongAdder(), "5xx", new LongAdder());
    private final LongAdder enrolments = new LongAdder();

    void answered(int status) {
        LongAdder counter = fetches.get((status / 100) + "xx");
        if (counter != null) {
            counter.increment();
        }
    }

    void enrolled() {
        enrolments.increment();
    }

    /** Requests answered (configurations, directory, desk phone files, CA, shared files), by status class. */
    public long fetches(String statusClass) {
        return fetches.get(statusClass).sum();
    }

    /** Enrolment links redeemed: a device got its first configuration. */
    public long enrolments() {
        return enrolments.sum();
    }
}
