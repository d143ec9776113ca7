package org.liaison.sip.admin;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.HashMap;
import java.util.Map;

/** A scrape reduced to one number per metric name as exposed ({@code _total} for counters), summed over labels. */
final class MetricValues {
    private MetricValues() {
    }

    static Map<String, Double> of(MetricSnapshots scrape) {
        Map<String, Double> values = new HashMap<>();
        for (MetricSnapshot metric : scrape) {
            String name = metric.getMetadata().getPrometheusName();
            if (metric instanceof CounterSnapshot counter) {
                counter.getDataPoints().forEach(p -> values.merge(name + "_total", p.getValue(), Double::sum));
            } else if (metric instanceof GaugeSnapshot gauge) {
                gauge.getDataPoints().forEach(p -> values.merge(name, p.getValue(), Double::sum));
            }
        }
        return values;
    }
}
