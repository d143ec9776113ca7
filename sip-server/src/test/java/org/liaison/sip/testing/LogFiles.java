package org.liaison.sip.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The output files of the programs under test (the server, linphonec, baresip, sipp), read while they grow:
 * what they say so far, and waiting (with Awaitility) for a line to appear.
 */
public final class LogFiles {
    private static final Duration POLL = Duration.ofMillis(20);

    private LogFiles() {
    }

    /** The first match of {@code regex} (multi-line mode) in {@code file}, once it appears within {@code timeout} (0: now). */
    public static Optional<Matcher> match(Path file, String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        if (timeout.isZero()) {
            Matcher now = pattern.matcher(read(file));
            return now.find() ? Optional.of(now) : Optional.empty();
        }
        try {
            return Optional.of(await().pollDelay(Duration.ZERO).pollInterval(POLL).atMost(timeout)
                    .until(() -> pattern.matcher(read(file)), Matcher::find));
        } catch (ConditionTimeoutException absent) {
            return Optional.empty();
        }
    }

    /** Whether {@code regex} (multi-line mode) is found in {@code file} before {@code timeout}. */
    public static boolean matches(Path file, String regex, Duration timeout) {
        return match(file, regex, timeout).isPresent();
    }

    /** The file's text so far, bytes that are not UTF-8 replaced; empty when it does not exist yet. */
    public static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException missing) {
            return "";
        }
    }
}
