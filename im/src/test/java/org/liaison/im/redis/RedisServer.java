package org.liaison.im.redis;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real redis-server (Debian's) for a test: on a free loopback port, with its own directory,
 * persisting every write as the store requires (or as told otherwise), stopped in bounded time.
 * Missing redis-server skips the test on a developer's machine and fails it in CI.
 */
public final class RedisServer implements AutoCloseable {

    private static final Path EXECUTABLE = Path.of("/usr/bin/redis-server");
    private static final Duration STARTUP = Duration.ofSeconds(20);

    private final Path dir;
    private final int port;
    private final List<String> persistence;
    private Process process;

    private RedisServer(Path dir, int port, List<String> persistence) {
        this.dir = dir;
        this.port = port;
        this.persistence = persistence;
    }

    /** A Redis that puts every write on disk before answering, as production must. */
    public static RedisServer durable(Path dir) {
        return start(dir, List.of("--appendonly", "yes", "--appendfsync", "always"));
    }

    /** A Redis with other persistence settings, e.g. {@code --appendonly no}. */
    public static RedisServer start(Path dir, List<String> persistence) {
        if (!Files.isExecutable(EXECUTABLE)) {
            Assertions.assertNotEquals("true", System.getenv("CI"),
                    EXECUTABLE + " is missing: apt-get install redis-server");
            Assumptions.abort(EXECUTABLE + " is missing");
        }
        RedisServer server = new RedisServer(dir, freePort(), persistence);
        server.launch();
        return server;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts it again on the same port and directory, after {@link #shutdown} or {@link #kill}. */
    public void startAgain() {
        launch();
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(EXECUTABLE.toString(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", ""));
        command.addAll(persistence);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        await("redis-server answering PING on port " + port).atMost(STARTUP).ignoreExceptions()
                .until(() -> "+PONG".equals(command("PING")));
    }

    /** Redis's own orderly stop: the SHUTDOWN command. */
    public void shutdown() throws Exception {
        try {
            command("SHUTDOWN");
        } catch (IOException closedByTheShutdown) {
            // redis-server closes the connection instead of answering a SHUTDOWN that succeeds
        }
        stopWithin(Duration.ofSeconds(10));
    }

    /** A crash: SIGKILL, nothing flushed at the last moment. */
    public void kill() throws Exception {
        process.destroyForcibly();
        stopWithin(Duration.ofSeconds(10));
    }

    /** Redis hangs (SIGSTOP): connections stay open, commands go unanswered, as on an overloaded or frozen host. */
    public void pause() throws Exception {
        signal("-STOP");
    }

    /** Redis answers again (SIGCONT), the commands that waited included. */
    public void resume() throws Exception {
        signal("-CONT");
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start();
        Assertions.assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill " + signal);
    }

    public void flushAll() throws IOException {
        Assertions.assertEquals("+OK", command("FLUSHALL"));
    }

    /** Bytes of memory Redis uses (INFO memory's used_memory). */
    public long usedMemory() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "INFO", "memory");
            BufferedReader in = reader(socket);
            int length = Integer.parseInt(in.readLine().substring(1));
            char[] info = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(info, read, length - read);
            }
            return new String(info).lines().filter(line -> line.startsWith("used_memory:"))
                    .mapToLong(line -> Long.parseLong(line.substring("used_memory:".length()).trim()))
                    .findFirst().orElseThrow();
        }
    }

    /** SIGTERM, then SIGKILL if it has not exited within ten seconds. */
    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void stopWithin(Duration bound) throws InterruptedException {
        Assertions.assertTrue(process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS), "redis-server did not stop");
    }

    /** One command, its one-line answer (simple string, error or integer). */
    public String command(String... words) throws IOException {
        try (Socket socket = connect()) {
            send(socket, words);
            String answer = reader(socket).readLine();
            if (answer == null) {
                throw new IOException("connection closed");
            }
            return answer;
        }
    }

    /**
     * The commands clients sent while {@code action} ran, as MONITOR lines: not those scripts ran (MONITOR tells them
     * apart), not MONITOR's own. To count a store's round trips.
     */
    public List<String> commandsSentDuring(Runnable action) throws IOException {
        try (Socket monitor = connect()) {
            send(monitor, "MONITOR");
            BufferedReader lines = reader(monitor);
            Assertions.assertEquals("+OK", lines.readLine());
            action.run();
            String marker = "end-of-" + UUID.randomUUID();
            command("ECHO", marker);
            List<String> sent = new ArrayList<>();
            for (String line = lines.readLine(); !line.contains(marker); line = lines.readLine()) {
                if (!line.contains(" lua] ")) {
                    sent.add(line);
                }
            }
            return sent;
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static void send(Socket socket, String... words) throws IOException {
        StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
        for (String word : words) {
            request.append('$').append(word.length()).append("\r\n").append(word).append("\r\n");
        }
        OutputStream out = socket.getOutputStream();
        out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Above the ephemeral range, in this test JVM's slice ({@link ForkPorts}). */
    private static final ForkPorts PORTS = new ForkPorts(61_000, 65_000);

    static int freePort() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = PORTS.nextBlock(1);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // someone else's: the next one
            }
        }
        throw new UncheckedIOException(new IOException("no free TCP port for Redis on loopback"));
    }
}
