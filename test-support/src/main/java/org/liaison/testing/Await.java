package org.liaison.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waiting for something that happens on another thread or in another process: poll a condition
 * until it holds or a deadline passes. Never a fixed sleep: the wait ends as soon as the condition
 * is true. The one such helper of every module's tests.
 */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(20);

    private Await() {
    }

    /** True as soon as {@code condition} holds; false once {@code timeout} has passed without it. */
    public static boolean until(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(POLL.toNanos()); // the poll interval, not a wait for the event itself
        }
        return true;
    }

    /** Waits for {@code condition}, failing the test with {@code what} once {@code timeout} has passed. */
    public static void require(BooleanSupplier condition, Duration timeout, String what) {
        if (!until(timeout, condition)) {
            throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
        }
    }

    /** The first match of {@code regex} (multi-line mode) in {@code file}, once it appears. */
    public static Optional<Matcher> match(Path file, String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex, Pattern.MULTILINE);
        Matcher[] found = new Matcher[1];
        until(timeout, () -> {
            Matcher m = pattern.matcher(read(file));
            if (m.find()) {
                found[0] = m;
                return true;
            }
            return false;
        });
        return Optional.ofNullable(found[0]);
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
