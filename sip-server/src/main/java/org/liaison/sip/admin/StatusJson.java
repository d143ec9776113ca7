package org.liaison.sip.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code /status.json}, what the status page draws: the figures of {@link StatusFigures} and each
 * series of {@link StatusHistory} with its points. Written by hand: a dozen fields need no library.
 */
final class StatusJson {
    private StatusJson() {
    }

    static String of(Map<String, Double> now, List<StatusHistory.Sample> samples, Instant at) {
        StringBuilder json = new StringBuilder("{\"time\":").append(at.toEpochMilli()).append(",\"figures\":[");
        List<StatusFigures.Figure> figures = StatusFigures.of(now, at);
        for (int i = 0; i < figures.size(); i++) {
            json.append(i == 0 ? "" : ",").append("{\"label\":").append(quoted(figures.get(i).label()))
                    .append(",\"value\":").append(quoted(figures.get(i).value())).append('}');
        }
        json.append("],\"series\":[");
        for (int i = 0; i < StatusHistory.SERIES.size(); i++) {
            StatusHistory.Series series = StatusHistory.SERIES.get(i);
            json.append(i == 0 ? "" : ",").append("{\"title\":").append(quoted(series.title()))
                    .append(",\"metric\":").append(quoted(series.metric())).append(",\"points\":[");
            List<double[]> points = StatusHistory.points(samples, i);
            if (!series.rate() && now.containsKey(series.metric())) {
                // a gauge's value now ends its line, so the chart agrees with the figures above it
                points.add(new double[] {at.toEpochMilli(), now.get(series.metric())});
            }
            for (int p = 0; p < points.size(); p++) {
                json.append(p == 0 ? "" : ",").append('[').append((long) points.get(p)[0]).append(',')
                        .append(number(points.get(p)[1])).append(']');
            }
            json.append("]}");
        }
        return json.append("]}").toString();
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.3f",
                value);
    }

    /** Our labels are plain text; quotes and backslashes escaped all the same. */
    private static String quoted(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
