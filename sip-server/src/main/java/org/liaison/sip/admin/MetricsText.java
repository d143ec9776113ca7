package org.liaison.sip.admin;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads the Prometheus text format as {@code bin/liaison status} needs it: one number per metric
 * name, summed over its label sets. Comment lines and malformed lines are skipped.
 */
final class MetricsText {
    private MetricsText() {
    }

    static Map<String, Double> parse(String text) {
        Map<String, Double> values = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int labels = line.indexOf('{');
            int nameEnd = labels >= 0 ? labels : line.indexOf(' ');
            int valueStart = labels >= 0 ? line.indexOf("} ", labels) + 2 : nameEnd + 1;
            if (nameEnd <= 0 || valueStart <= 1) {
                continue;
            }
            String[] rest = line.substring(valueStart).trim().split(" ");
            try {
                values.merge(line.substring(0, nameEnd), Double.parseDouble(rest[0]), Double::sum);
            } catch (NumberFormatException e) {
                // not a sample line we understand: skipped, the others still count
            }
        }
        return values;
    }
}
