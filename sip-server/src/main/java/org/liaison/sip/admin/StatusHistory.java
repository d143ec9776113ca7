package org.liaison.sip.admin;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The last hour of the status page's charts: one sample of each series every
 * {@link #SAMPLE_PERIOD}, kept in a ring of {@link #CAPACITY} (the server's memory, not a
 * time-series database: Prometheus keeps the long history). Thread-safe.
 */
final class StatusHistory {
    static final Duration SAMPLE_PERIOD = Duration.ofSeconds(15);
    static final int CAPACITY = (int) (Duration.ofHours(1).toSeconds() / SAMPLE_PERIOD.toSeconds());

    /** A chart: a gauge drawn as it is, or a counter drawn as its rate per second between samples. */
    record Series(String title, String metric, boolean rate) {
    }

    static final List<Series> SERIES = List.of(
            new Series("Devices registered", "liaison_registered_devices", false),
            new Series("Calls in progress", "liaison_calls_in_progress", false),
            new Series("Messages accepted /s", "liaison_messages_accepted_total", true),
            new Series("Relay packets forwarded /s", "liaison_relay_packets_forwarded_total", true),
            new Series("Relay packets dropped /s", "liaison_relay_packets_dropped_total", true),
            new Series("Auth requests refused /s", "liaison_auth_refused_total", true),
            new Series("Auth blocks in force", "liaison_auth_blocks_active", false));

    /** One sample: when, and each series' raw value (NaN when its metric was not there). */
    record Sample(long epochMillis, double[] values) {
    }

    private final Deque<Sample> samples = new ArrayDeque<>();

    synchronized void record(long epochMillis, Map<String, Double> values) {
        double[] row = new double[SERIES.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = values.getOrDefault(SERIES.get(i).metric(), Double.NaN);
        }
        samples.addLast(new Sample(epochMillis, row));
        while (samples.size() > CAPACITY) {
            samples.removeFirst();
        }
    }

    synchronized List<Sample> samples() {
        return new ArrayList<>(samples);
    }

    /**
     * The points of series {@code index}: [time, value] pairs, rates between consecutive samples
     * (a counter that went down, after a restart of its source, gives no point).
     */
    static List<double[]> points(List<Sample> samples, int index) {
        List<double[]> points = new ArrayList<>();
        Sample previous = null;
        for (Sample s : samples) {
            double value = s.values()[index];
            if (!SERIES.get(index).rate()) {
                if (!Double.isNaN(value)) {
                    points.add(new double[] {s.epochMillis(), value});
                }
            } else if (previous != null && s.epochMillis() > previous.epochMillis()) {
                double delta = value - previous.values()[index];
                if (delta >= 0) {
                    long millis = s.epochMillis() - previous.epochMillis();
                    points.add(new double[] {s.epochMillis(), delta * 1000 / millis});
                }
            }
            previous = s;
        }
        return points;
    }
}
