package org.liaison.sip.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The live figures an admin without Prometheus looks at, from one scrape's values: what
 * {@code bin/liaison status} prints and the status page shows, worded once here.
 */
public final class StatusFigures {
    /** One line: what it is and its value as text. */
    public record Figure(String label, String value) {
    }

    private StatusFigures() {
    }

    public static List<Figure> of(Map<String, Double> values, Instant now) {
        List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("Devices registered", whole(values, "liaison_registered_devices")));
        figures.add(new Figure("Users registered", whole(values, "liaison_registered_users")));
        figures.add(new Figure("Calls now", whole(values, "liaison_calls_in_progress")));
        figures.add(new Figure("Messages queued", whole(values, "liaison_messages_queued")));
        figures.add(new Figure("Relay load", values.containsKey("liaison_relay_streams")
                ? whole(values, "liaison_relay_streams") + " streams, " + whole(values, "liaison_relay_ports_free")
                        + " ports free"
                : "not in this process"));
        figures.add(new Figure("Auth blocks", whole(values, "liaison_auth_blocks_active") + " in force, "
                + whole(values, "liaison_auth_blocks_total") + " started, "
                + whole(values, "liaison_auth_refused_total") + " requests refused"));
        Double expiry = values.get("liaison_tls_certificate_expiry_timestamp_seconds");
        figures.add(new Figure("Certificate days left", expiry == null ? "no TLS"
                : Long.toString(Duration.between(now, Instant.ofEpochSecond(expiry.longValue())).toDays())));
        return figures;
    }

    private static String whole(Map<String, Double> values, String name) {
        Double value = values.get(name);
        return value == null ? "-" : Long.toString(Math.round(value));
    }
}
