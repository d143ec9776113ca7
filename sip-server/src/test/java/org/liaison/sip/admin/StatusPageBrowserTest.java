package org.liaison.sip.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * The status page as a browser renders it: Debian's headless Chromium loads {@code /} from a real
 * server that took registrations and a message, runs the page's own script (under the page's
 * Content-Security-Policy) and the rendered DOM must show the live figures and one chart per
 * series. {@code -Dliaison.status-page.screenshot=FILE -Dliaison.status-page.minutes=N} instead
 * runs {@link DemoTraffic} for N minutes and writes a screenshot (how docs/status-page.png was made).
 */
class StatusPageBrowserTest {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path root;
    @RegisterExtension
    final AdminFixture fixture = AdminFixture.started(
            TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                    .user("carol", "carol-secret", "1003"));

    @Test
    void theRenderedPageShowsTheLiveFiguresAndAChartPerSeries() throws Exception {
        try (TestUa alice = new TestUa("alice", fixture.server()); TestUa bob = new TestUa("bob", fixture.server())) {
            assertEquals(200, alice.register("alice-secret", "").status());
            assertEquals(200, bob.register("bob-secret", "").status());
            String message = alice.messageRequest("sip:carol@" + TestServer.DOMAIN, UUID.randomUUID().toString(),
                    "text/plain", "for later");
            assertEquals(202, alice.sendWithAuth(message, "alice-secret").status());
        }
        String screenshot = System.getProperty("liaison.status-page.screenshot", "");
        if (!screenshot.isEmpty()) {
            DemoTraffic.run(fixture.server(), Duration.ofMinutes(Long.getLong("liaison.status-page.minutes", 0)),
                    () -> takeScreenshot(Path.of(screenshot).toAbsolutePath()));
            return; // the demo's traffic changed the figures the assertions below expect
        }

        String dom = browser("--dump-dom");
        assertEquals("2", figure(dom, "Devices registered"), dom);
        assertEquals("2", figure(dom, "Users registered"), dom);
        assertEquals("1", figure(dom, "Messages queued"), dom);
        assertEquals("0", figure(dom, "Calls now"), dom);
        assertEquals("0 streams, " + AdminFixture.RELAY_PORTS + " ports free", figure(dom, "Relay load"), dom);
        assertTrue(Integer.parseInt(figure(dom, "Certificate days left")) > 30, dom);
        for (StatusHistory.Series series : StatusHistory.SERIES) {
            assertTrue(dom.contains("data-metric=\"" + series.metric() + "\""), "no chart of " + series.metric());
        }
        assertTrue(dom.contains("<svg"), dom);
        assertTrue(dom.contains("updated "), "the script did not run to its end: " + dom);
    }

    @Test
    void thePageIsServedWithAStrictContentSecurityPolicyAndNoScriptOfItsOwn() throws Exception {
        HttpResponse<String> page = AdminHttp.get(fixture.adminPort(), "/");
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("content-security-policy").orElseThrow();
        assertTrue(policy.startsWith("default-src 'none'; script-src 'self';"), policy);
        assertTrue(!policy.contains("unsafe"), policy);
        // everything it loads comes from the admin listener itself
        Matcher sources = Pattern.compile("(?:src|href)=\"([^\"]*)\"").matcher(page.body());
        while (sources.find()) {
            assertTrue(sources.group(1).startsWith("/"), "loads " + sources.group(1));
        }
        assertTrue(!page.body().matches("(?s).*<script>.*"), "inline script");
        assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElseThrow());
    }

    /** The value shown under {@code label} in the rendered page. */
    private static String figure(String dom, String label) {
        Matcher m = Pattern.compile("<dt>" + Pattern.quote(label) + "</dt><dd>([^<]*)</dd>").matcher(dom);
        assertTrue(m.find(), "no figure " + label + " in " + dom);
        return m.group(1);
    }

    private void takeScreenshot(Path file) throws Exception {
        browser("--screenshot=" + file, "--window-size=1200,900");
        assertTrue(Files.size(file) > 0);
    }

    /** Chromium's output for the page, given {@code options}; its virtual time lets the page's fetch finish. */
    private String browser(String... options) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(Path.of(CHROMIUM)), CHROMIUM + " missing: apt-get install -y chromium");
        List<String> command = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--user-data-dir=" + Files.createTempDirectory(root, "chromium"),
                "--virtual-time-budget=10000"));
        command.addAll(List.of(options));
        command.add("http://127.0.0.1:" + fixture.adminPort() + "/");
        Path output = root.resolve("chromium-" + UUID.randomUUID() + ".out");
        Process browser = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(root.resolve("chromium.err").toFile()).start();
        if (!browser.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            throw new AssertionError("chromium did not finish: " + Files.readString(root.resolve("chromium.err")));
        }
        assertEquals(0, browser.exitValue(), Files.readString(root.resolve("chromium.err")));
        return Files.readString(output, StandardCharsets.UTF_8);
    }
}
