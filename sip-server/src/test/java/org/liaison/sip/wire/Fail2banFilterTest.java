package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.ServerProcess;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 5, brute force: the shipped fail2ban filter ({@code conf/fail2ban/filter.d/liaison.conf}, and
 * {@code liaison-json.conf} for {@code log.format = json}),
 * run by {@code fail2ban-regex} over the log of a server started with the shipped log format,
 * finds the source the server blocked after too many failed authentications, and only that line: not the line of
 * a (source, username) pair block, which is one phone with an old password behind an office's NAT (issue 11).
 */
@Timeout(60)
class Fail2banFilterTest {
    private static final Path FILTERS = Path.of("..", "conf", "fail2ban", "filter.d").toAbsolutePath();
    private static final Path SHIPPED_LOG_FORMAT = Path.of("src", "main", "resources", "logback.xml").toAbsolutePath();

    @TempDir
    Path root;

    @ParameterizedTest
    @CsvSource({"text, liaison.conf", "json, liaison-json.conf"})
    void filterFindsTheBlockedSourceInTheServersOwnLog(String logFormat, String filter) throws Exception {
        Path fail2banRegex = Tools.require("fail2ban-regex");
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001")
                .property("auth.max-failures-per-source", "4").property("auth.max-failures-per-source-user", "2")
                .property("log.format", logFormat).create(root);
        Path log = root.resolve("liaison.log");
        try (ServerProcess server = ServerProcess.serve(config.configDir(), log,
                "-Dlogback.configurationFile=" + SHIPPED_LOG_FORMAT);
                TestUa oldPhone = new TestUa("bob", config);
                TestUa guesser = new TestUa("alice", config)) {
            for (int guess = 0; guess < 2; guess++) {
                oldPhone.register("old-password-" + guess, "");
            }
            await("the pair block line in the server's log").atMost(Duration.ofSeconds(5)).until(() -> server.logText().contains("auth-block-pair user=bob address=127.0.0.1 "));
            for (int guess = 0; guess < 2; guess++) { // the source's 4th failure: volume
                guesser.register("guess-" + guess, "");
            }
            await("the block line in the server's log").atMost(Duration.ofSeconds(5)).until(() -> server.logText().contains("auth-block source=127.0.0.1 "));
        }
        Path output = root.resolve("fail2ban-regex.out");
        try (ChildProcess run = ChildProcess.start("fail2ban-regex",
                List.of(fail2banRegex.toString(), log.toString(), FILTERS.resolve(filter).toString()), root, output, Map.of())) {
            OptionalInt exit = run.awaitExit(Duration.ofSeconds(30));
            assertEquals(OptionalInt.of(0), exit, run::outputText);
            String result = run.outputText();
            assertTrue(result.matches("(?s).*Lines: \\d+ lines, 0 ignored, 1 matched.*"), result);
            assertTrue(result.matches("(?s).*Failregex: 1 total.*"), result);
        }
    }
}
