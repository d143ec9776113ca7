package org.liaison.sip.admin;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** What each path of the admin listener answers. Every route is read-only. */
final class AdminRoutes {
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final PrometheusTextFormatWriter PROMETHEUS_TEXT = PrometheusTextFormatWriter.create();

    /** An answer: status, content type, body. */
    record Reply(int status, String contentType, byte[] body) {
        static Reply text(int status, String text) {
            return new Reply(status, TEXT, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final PrometheusRegistry registry;
    private final Readiness readiness;
    private final StatusHistory history;
    private final Clock clock;
    private final Map<String, Reply> pages;

    AdminRoutes(PrometheusRegistry registry, Readiness readiness, StatusHistory history, Clock clock) {
        this.registry = registry;
        this.readiness = readiness;
        this.history = history;
        this.clock = clock;
        this.pages = Map.of(
                "/", resource("status.html", "text/html; charset=utf-8"),
                "/status.js", resource("status.js", "text/javascript; charset=utf-8"),
                "/status.css", resource("status.css", "text/css; charset=utf-8"));
    }

    Reply answer(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        return switch (path) {
            case "/metrics" -> metrics();
            case "/health/live" -> Reply.text(200, "live\n");
            case "/health/ready" -> ready();
            case "/status.json" -> new Reply(200, "application/json",
                    StatusJson.of(MetricValues.of(registry.scrape()), history.samples(), clock.instant())
                            .getBytes(StandardCharsets.UTF_8));
            default -> pages.getOrDefault(path, Reply.text(404, "not found\n"));
        };
    }

    private Reply metrics() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            PROMETHEUS_TEXT.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return new Reply(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    }

    /** 200 when every check passes; 503 naming those that fail, for a load balancer's log and the admin. */
    private Reply ready() {
        List<String> failing = readiness.failing();
        return failing.isEmpty() ? Reply.text(200, "ready\n")
                : Reply.text(503, "not ready: " + String.join(", ", failing) + "\n");
    }

    /** Takes a sample for the charts: called every {@link StatusHistory#SAMPLE_PERIOD}. */
    void sample() {
        history.record(clock.millis(), MetricValues.of(registry.scrape()));
    }

    private static Reply resource(String name, String contentType) {
        try (InputStream in = AdminRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new Reply(200, contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
