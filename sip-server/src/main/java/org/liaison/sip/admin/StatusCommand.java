package org.liaison.sip.admin;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.liaison.sip.config.AdminSettings;
import org.liaison.sip.config.LiaisonConfig;

/**
 * {@code bin/liaison status [--config DIR] [--watch]}: the live figures of a running server, read
 * from its admin listener's {@code /metrics}, for the admin who has no Prometheus; {@code --watch}
 * redraws them every {@link #WATCH_PERIOD}. Exit status 0, 1 when no server answers, 2 when
 * admin.port is 0.
 */
public final class StatusCommand {
    static final Duration WATCH_PERIOD = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    private final AdminSettings settings;
    private final Path configFile;
    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    public StatusCommand(LiaisonConfig config, PrintStream out, PrintStream err, Clock clock) {
        this.settings = config.admin();
        this.configFile = config.configDir().resolve(LiaisonConfig.FILE_NAME);
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public int run(boolean watch) throws InterruptedException {
        if (settings.port() == 0) {
            err.println("liaison: admin.port is 0 in " + configFile + ": the server has no admin listener to ask");
            return 2;
        }
        URI metrics = metricsUri();
        if (!watch) {
            return show(metrics) ? 0 : 1;
        }
        while (true) {
            out.print(CLEAR_SCREEN);
            show(metrics);
            out.flush();
            Thread.sleep(WATCH_PERIOD.toMillis());
        }
    }

    /** Prints the figures, or one line saying why there are none; whether there were. */
    private boolean show(URI metrics) throws InterruptedException {
        String text;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                err.println("liaison: " + metrics + " answered " + response.statusCode());
                return false;
            }
            text = response.body();
        } catch (IOException e) {
            err.println("liaison: no server answers at " + metrics + " (not running? admin.address and admin.port in "
                    + configFile + ")");
            return false;
        }
        List<StatusFigures.Figure> figures = StatusFigures.of(MetricsText.parse(text), clock.instant());
        int width = figures.stream().mapToInt(f -> f.label().length()).max().orElse(0);
        out.println("Liaison at " + metrics.getHost() + ":" + metrics.getPort() + ", " + clock.instant());
        for (StatusFigures.Figure f : figures) {
            out.println(String.format("  %-" + width + "s  %s", f.label(), f.value()));
        }
        return true;
    }

    private URI metricsUri() {
        try {
            return new URI("http", null, settings.address().getHostAddress(), settings.port(), "/metrics", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("an address literal and a port make a URI", e);
        }
    }
}
