package org.liaison.sip.wire;

import org.liaison.sip.testing.LogFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A program under test, run as a child process: standard output and error go to one file, standard
 * input stays open so commands can be written to it (the program never sees end-of-file), and
 * {@link #close()} ends it and everything it started.
 */
final class ChildProcess implements AutoCloseable {
    private static final Duration GRACE = Duration.ofSeconds(3);

    private final String name;
    private final Process process;
    private final Path output;
    private final OutputStream stdin;

    private ChildProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.stdin = process.getOutputStream();
    }

    /** Starts {@code command} in {@code workDir}; its output goes to {@code output}. */
    static ChildProcess start(String name, List<String> command, Path workDir, Path output,
            Map<String, String> environment) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        return new ChildProcess(name, builder.start(), output);
    }

    /** Writes one line to the program's standard input. */
    void send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " does not read its input any more (exited?)", e);
        }
    }

    Path output() {
        return output;
    }

    String outputText() {
        return LogFiles.read(output);
    }

    boolean awaitOutput(String regex, Duration timeout) {
        return LogFiles.matches(output, regex, timeout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** The exit status, if the program ends within {@code timeout}. */
    OptionalInt awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /** SIGTERM to the program and its descendants, then SIGKILL to whatever is left after a grace period. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        if (awaitExit(GRACE).isEmpty()) {
            process.destroyForcibly();
            awaitExit(GRACE);
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            stdin.close();
        } catch (IOException alreadyGone) {
            // the pipe's reader has exited: nothing to close
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
