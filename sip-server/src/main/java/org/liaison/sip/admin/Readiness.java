package org.liaison.sip.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code /health/ready} checks: until the server has started, one check that fails ("server
 * starting"); then the listeners, the stores, the relay and, in a cluster, Redis. A check that
 * throws fails.
 */
final class Readiness {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    /** One check; {@code name} is what the 503 body names when it fails. */
    record Check(String name, BooleanSupplier passes) {
    }

    private volatile List<Check> checks = List.of(new Check("server starting", () -> false));

    void checkFrom(List<Check> serving) {
        this.checks = List.copyOf(serving);
    }

    /** The names of the checks failing now; empty when ready. */
    List<String> failing() {
        List<String> failed = new ArrayList<>();
        for (Check check : checks) {
            boolean passes;
            try {
                passes = check.passes().getAsBoolean();
            } catch (RuntimeException e) {
                LOG.debug("readiness check {} failed: {}", check.name(), e.toString());
                passes = false;
            }
            if (!passes) {
                failed.add(check.name());
            }
        }
        return failed;
    }

    /** The checks of a running server. */
    static List<Check> of(ServerFigures server) {
        List<Check> checks = new ArrayList<>();
        checks.add(new Check("sip listeners", () -> server.edge().serving()));
        checks.add(new Check("location store", () -> server.locations().count() >= 0));
        checks.add(new Check("message store", () -> server.messages().count() >= 0));
        server.relay().ifPresent(relay -> checks.add(new Check("media relay", relay::reachable)));
        server.redis().ifPresent(redis -> checks.add(new Check("redis",
                () -> "PONG".equalsIgnoreCase(redis.commands().ping()))));
        return checks;
    }
}
