package org.liaison.sip.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference parser of the Prometheus text format, the Prometheus project's Python client
 * (Debian's python3-prometheus-client): what our own reading of /metrics in {@code status} could
 * get wrong, it does not.
 */
public final class PrometheusParser {
    private static final String SCRIPT = "import sys\n"
            + "from prometheus_client.parser import text_string_to_metric_families\n"
            + "families = list(text_string_to_metric_families(sys.stdin.read()))\n"
            + "print(sum(len(f.samples) for f in families))\n";

    private PrometheusParser() {
    }

    /** Fails unless {@code text} parses; returns the number of samples. */
    public static int check(String text) throws IOException, InterruptedException {
        Process python = new ProcessBuilder("/usr/bin/python3", "-c", SCRIPT).redirectErrorStream(true).start();
        try (OutputStream in = python.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!python.waitFor(30, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            throw new AssertionError("the parser did not finish");
        }
        assertEquals(0, python.exitValue(), "not the Prometheus text format (python3-prometheus-client installed?): "
                + output);
        return Integer.parseInt(output.trim());
    }

    /** The value of the sample {@code series} (a name, with its labels as exposed when it has some) in {@code text}. */
    public static double sample(String text, String series) {
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        if (!sample.find()) {
            throw new AssertionError("no sample " + series + " in\n" + text);
        }
        return Double.parseDouble(sample.group(1));
    }
}
