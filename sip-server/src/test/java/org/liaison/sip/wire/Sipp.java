package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;

import org.liaison.sip.testing.LogFiles;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.awaitility.core.ConditionTimeoutException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.liaison.sip.testing.FreePorts;

/**
 * One sipp run (a UAC against the server, or a UAS waiting for it) on free loopback ports, bounded
 * by {@code -m} calls and a global {@code -timeout} that counts as an error. Every file sipp writes
 * (messages, errors, statistics, screen) lands in the run's own directory, and {@link Result}
 * puts them into the assertion message when the run did not succeed.
 *
 * <pre>
 *   try (Sipp.Run uas = Sipp.scenario("call-uas.xml").calls(1).in(dir).start()) { ... }
 * </pre>
 */
final class Sipp {
    static final String HOST = "127.0.0.1";
    /** sipp's exit status when every call succeeded. */
    static final int ALL_CALLS_SUCCEEDED = 0;
    private static final int LOG_TAIL_CHARS = 12_000;

    private Sipp() {
    }

    /** A run of the scenario {@code src/test/resources/sipp/<name>}. */
    static Builder scenario(String name) {
        return new Builder(name);
    }

    /**
     * An injection file (sipp {@code -inf}): fields separated by ';', read in order. sipp 3.6 cannot
     * put a field inside the {@code [authentication]} keyword, so callers inject the whole keyword.
     */
    static Path injectionFile(Path file, List<String> lines) throws IOException {
        List<String> all = new ArrayList<>();
        all.add("SEQUENTIAL");
        all.addAll(lines);
        Files.write(file, all, StandardCharsets.US_ASCII);
        return file;
    }

    /** The keyword that makes sipp answer a digest challenge with these credentials. */
    static String authentication(String user, String password) {
        return "[authentication username=" + user + " password=" + password + "]";
    }

    static final class Builder {
        private final String scenario;
        private String name;
        private Path dir;
        private String remote;
        private int localPort;
        private int calls = 1;
        private double rate = 10;
        private Duration timeout = Duration.ofSeconds(30);
        private Path injection;
        private final List<String> extra = new ArrayList<>();

        private Builder(String scenario) {
            this.scenario = scenario;
            this.name = scenario.replace(".xml", "");
        }

        /** The directory for this run's files (created; e.g. a sub-directory of a {@code @TempDir}). */
        Builder in(Path directory) {
            this.dir = directory;
            return this;
        }

        /** A name for the run in assertion messages (and its log directory). */
        Builder named(String runName) {
            this.name = runName;
            return this;
        }

        /** The server to send to; without one, sipp is a UAS waiting for requests. */
        Builder to(String host, int port) {
            this.remote = host + ":" + port;
            return this;
        }

        /** sipp's SIP port (default: a free one). */
        Builder localPort(int port) {
            this.localPort = port;
            return this;
        }

        /** {@code -m}: sipp ends after this many calls. */
        Builder calls(int count) {
            this.calls = count;
            return this;
        }

        /** {@code -r}: new calls per second. */
        Builder rate(double callsPerSecond) {
            this.rate = callsPerSecond;
            return this;
        }

        /** {@code -timeout} with {@code -timeout_error}: a run still going after this failed. */
        Builder timeout(Duration limit) {
            this.timeout = limit;
            return this;
        }

        Builder injection(Path file) {
            this.injection = file;
            return this;
        }

        /** {@code -key name value}: {@code [name]} in the scenario becomes {@code value}. */
        Builder key(String keyword, String value) {
            extra.addAll(List.of("-key", keyword, value));
            return this;
        }

        Builder option(String... args) {
            extra.addAll(Arrays.asList(args));
            return this;
        }

        /** Starts sipp; for a UAS, returns once its SIP port is bound. */
        Run start() throws IOException {
            Path sipp = Tools.require("sipp");
            if (dir == null) {
                throw new IllegalStateException("Sipp.in(dir) not set");
            }
            Path work = Files.createDirectories(dir.resolve(name));
            Path scenarioFile = work.resolve(scenario);
            try (InputStream in = Sipp.class.getResourceAsStream("/sipp/" + scenario)) {
                if (in == null) {
                    throw new IOException("no scenario sipp/" + scenario + " on the test class path");
                }
                Files.copy(in, scenarioFile, StandardCopyOption.REPLACE_EXISTING);
            }
            int port = localPort != 0 ? localPort : FreePorts.udpAndTcp();
            int mediaPort = UdpPorts.freeBlock(4); // sipp binds media on port and port+2
            int controlPort = UdpPorts.freeBlock(1);
            List<String> cmd = new ArrayList<>(List.of(sipp.toString()));
            if (remote != null) {
                cmd.add(remote);
            }
            cmd.addAll(List.of("-sf", scenarioFile.toString(),
                    "-t", "u1",
                    "-i", HOST, "-p", Integer.toString(port),
                    "-mi", HOST, "-mp", Integer.toString(mediaPort),
                    "-ci", HOST, "-cp", Integer.toString(controlPort),
                    "-nostdin",
                    "-m", Integer.toString(calls),
                    "-r", Double.toString(rate),
                    "-timeout", timeout.toSeconds() + "s", "-timeout_error",
                    "-recv_timeout", "10000", // ms: a response that never comes fails the call
                    "-trace_err", "-error_file", work.resolve("errors.log").toString(),
                    "-trace_msg", "-message_file", work.resolve("messages.log").toString(),
                    "-trace_stat", "-stf", work.resolve("stat.csv").toString(),
                    "-trace_screen", "-screen_file", work.resolve("screen.log").toString()));
            if (injection != null) {
                cmd.addAll(List.of("-inf", injection.toString()));
            }
            cmd.addAll(extra);
            Files.writeString(work.resolve("command.txt"), String.join(" ", cmd) + "\n");
            ChildProcess process = ChildProcess.start("sipp " + name, cmd, work, work.resolve("stdout.log"),
                    Map.of("TERM", "dumb"));
            Run run = new Run(name, process, work, port, timeout);
            try {
                if (remote == null) {
                    await().atMost(Duration.ofSeconds(5)).until(() -> UdpPorts.isBound(port) || !process.isAlive());
                }
            } catch (ConditionTimeoutException unbound) {
                run.close();
                throw new IOException("sipp UAS " + name + " did not bind 127.0.0.1:" + port + "\n" + run.logs());
            }
            return run;
        }
    }

    /** A sipp process; {@link #close()} kills it if it is still running. */
    static final class Run implements AutoCloseable {
        private final String name;
        private final ChildProcess process;
        private final Path dir;
        private final int port;
        private final Duration timeout;

        private Run(String name, ChildProcess process, Path dir, int port, Duration timeout) {
            this.name = name;
            this.process = process;
            this.dir = dir;
            this.port = port;
            this.timeout = timeout;
        }

        /** sipp's SIP port on 127.0.0.1. */
        int port() {
            return port;
        }

        Path dir() {
            return dir;
        }

        /** Waits (a little longer than sipp's own {@code -timeout}) for sipp to end. */
        Result await() {
            OptionalInt exit = process.awaitExit(timeout.plusSeconds(10));
            if (exit.isEmpty()) {
                process.close();
            }
            return new Result(name, exit, messages(), LogFiles.read(dir.resolve("errors.log")), stat(), logs());
        }

        /** The SIP messages sipp sent and received so far ({@code -trace_msg}). */
        String messages() {
            return LogFiles.read(dir.resolve("messages.log"));
        }

        private Map<String, String> stat() {
            List<String> lines = LogFiles.read(dir.resolve("stat.csv")).lines().filter(l -> !l.isBlank()).toList();
            if (lines.size() < 2) {
                return Map.of();
            }
            String[] header = lines.get(0).split(";");
            String[] last = lines.get(lines.size() - 1).split(";");
            java.util.LinkedHashMap<String, String> values = new java.util.LinkedHashMap<>();
            for (int i = 0; i < Math.min(header.length, last.length); i++) {
                values.put(header[i], last[i]);
            }
            return values;
        }

        String logs() {
            return "---- sipp " + name + " (" + dir + ")\n"
                    + "command: " + LogFiles.read(dir.resolve("command.txt"))
                    + "stdout:\n" + tail(LogFiles.read(dir.resolve("stdout.log")))
                    + "\nerrors.log:\n" + tail(LogFiles.read(dir.resolve("errors.log")))
                    + "\nmessages.log:\n" + tail(messages());
        }

        @Override
        public void close() {
            process.close();
        }
    }

    /** How a sipp run ended. */
    record Result(String name, OptionalInt exitCode, String messages, String errors, Map<String, String> stat,
            String logs) {

        int successfulCalls() {
            return count("SuccessfulCall(C)");
        }

        int failedCalls() {
            return count("FailedCall(C)");
        }

        private int count(String column) {
            String v = stat.get(column);
            return v == null ? -1 : Integer.parseInt(v.trim());
        }

        /** sipp exited 0 (every call succeeded) after {@code expectedCalls} successful calls. */
        Result assertAllSucceeded(int expectedCalls) {
            assertEquals(OptionalInt.of(ALL_CALLS_SUCCEEDED), exitCode,
                    () -> "sipp " + name + " did not exit 0 (0 = all calls succeeded)\n" + logs);
            assertEquals(expectedCalls, successfulCalls(), () -> "successful calls of sipp " + name + "\n" + logs);
            assertEquals(0, failedCalls(), () -> "failed calls of sipp " + name + "\n" + logs);
            return this;
        }
    }

    static String tail(String text) {
        return text.length() <= LOG_TAIL_CHARS ? text
                : "[... " + (text.length() - LOG_TAIL_CHARS) + " chars cut ...]\n"
                        + text.substring(text.length() - LOG_TAIL_CHARS);
    }
}
