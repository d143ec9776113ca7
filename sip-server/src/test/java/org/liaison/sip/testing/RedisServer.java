package org.liaison.sip.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} (Debian package redis-server) on a free loopback port, with its own
 * directory and no persistence, for the cluster tests: never a mock of Redis. Without the binary a
 * test is skipped on a workstation and fails under CI=true.
 */
public final class RedisServer implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/redis-server");
    private static final Duration START = Duration.ofSeconds(10);
    private static final Duration STOP = Duration.ofSeconds(5);

    private final Path dir;
    private final int port;
    private Process process;

    private RedisServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts redis-server in {@code dir} and waits until it answers PING. */
    public static RedisServer start(Path dir) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(BINARY + " is missing: install the Debian package redis-server");
            }
            Assumptions.abort(BINARY + " is missing (apt-get install redis-server)");
        }
        RedisServer server = new RedisServer(dir, FreePorts.udpAndTcp());
        server.launch();
        return server;
    }

    /** Starts it again, on the same port, after {@link #close}: Redis coming back after an outage. */
    public void restart() throws IOException {
        launch();
    }

    private void launch() throws IOException {
        Path log = dir.resolve("redis.log");
        process = new ProcessBuilder(List.of(BINARY.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
                "--protected-mode", "yes", "--daemonize", "no", "--logfile", ""))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            await("redis-server to answer PING on port " + port).atMost(START)
                    .until(() -> !process.isAlive() || pingAnswered());
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server exited at start:\n" + Files.readString(log));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code redis://127.0.0.1:PORT}, for cluster.redis-uri. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Sends one command in Redis's inline form and returns the first reply line. */
    public String command(String inline) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readLine(socket.getInputStream());
        }
    }

    /** {@code INFO memory}'s used_memory, in bytes. */
    public long usedMemory() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("INFO memory\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            int length = Integer.parseInt(readLine(in).substring(1));
            String info = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
            for (String line : info.split("\r\n")) {
                if (line.startsWith("used_memory:")) {
                    return Long.parseLong(line.substring("used_memory:".length()));
                }
            }
            throw new IOException("no used_memory in INFO memory");
        }
    }

    private boolean pingAnswered() {
        try {
            return "+PONG".equals(command("PING"));
        } catch (IOException notYet) {
            return false;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** SIGTERM, then SIGKILL if it has not exited within five seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
