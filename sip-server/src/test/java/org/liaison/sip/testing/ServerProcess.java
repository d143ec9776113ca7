package org.liaison.sip.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.liaison.sip.SipServerMain;

/**
 * {@code liaison serve --config DIR} as its own JVM on the test class path, for tests that kill it
 * or bound its heap. Output goes to a log file the test can search.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ServerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the server on {@code configDir} with extra JVM options (e.g. {@code -Xmx64m}) and waits until it serves. */
    public static ServerProcess serve(Path configDir, Path log, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SipServerMain.class.getName(),
                "serve", "--config", configDir.toString()));
        ServerProcess server = new ServerProcess(
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
        await("the server to log that it is serving").atMost(Duration.ofSeconds(20)).until(() -> server.logText().contains("serving sip domain") || !server.isAlive());
        if (!server.isAlive()) {
            throw new IllegalStateException("the server exited at start:\n" + server.logText());
        }
        return server;
    }

    public String logText() {
        return LogFiles.read(log);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the server survived SIGKILL");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
