package org.liaison.sip.warmup;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.logging.QuietLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before {@code bin/liaison serve} opens its listeners, a throwaway server of the same code, on a loopback port with
 * one synthetic account and its state in a temporary directory, takes the requests a site sends most (REGISTER with
 * its digest challenge, MESSAGE to a registered device, OPTIONS keep-alives) from {@link WarmUpClient} for a few
 * seconds. The JIT compiles these paths there, so the real server meets a registration storm after a restart
 * compiled: started cold, it spent its first tens of seconds at several times its steady cost per request (issue 12,
 * docs/BENCHMARKS.md "cold start"). Nothing of the throwaway server outlives this call; a failure only logs.
 */
public final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    static final String DOMAIN = "warm-up.invalid";
    static final String USER = "warm-up";
    /** Phones running at once: one would leave the server's workers idle between its exchanges. */
    private static final int PHONES = 4;
    /** Enough for the hot paths to reach C2 (HotSpot's tier-4 threshold is 15,000 invocations with back edges). */
    private static final int EXCHANGES = 20_000;
    /**
     * Where the throwaway state goes when the system has it (Linux's tmpfs): the stores sync every registration and
     * message to disk, which would make the warm-up wait on the disk instead of running the code.
     */
    private static final Path MEMORY = Path.of("/dev/shm");
    /** Then the process id: whose a directory left by a killed start is. */
    static final String DIRECTORY_PREFIX = "liaison-warm-up-";

    private WarmUp() {
    }

    /**
     * Runs the warm-up for at most {@code budget} (the throwaway server's own log held back meanwhile); returns the
     * exchanges completed, 0 if it could not run.
     */
    public static int run(Duration budget, ServerStarter servers) {
        long started = System.nanoTime();
        Attempt attempt = QuietLog.during(() -> attempt(servers, started + budget.toNanos()));
        if (attempt.failure() != null) {
            LOG.warn("warm-up skipped, the server starts cold: {}", attempt.failure().toString());
            return 0;
        }
        LOG.info("warm-up: {} exchanges with a throwaway server in {} ms", attempt.exchanges(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        return attempt.exchanges();
    }

    /** Starts a server of the code being warmed on a configuration (the caller's {@code SipServer::start}). */
    @FunctionalInterface
    public interface ServerStarter {
        AutoCloseable start(LiaisonConfig config) throws Exception;
    }

    private record Attempt(int exchanges, Throwable failure) {
    }

    private static Attempt attempt(ServerStarter servers, long deadline) {
        Path dir = null;
        try {
            String prefix = DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-";
            dir = Files.isDirectory(MEMORY) && Files.isWritable(MEMORY)
                    ? Files.createTempDirectory(MEMORY, prefix) : Files.createTempDirectory(prefix);
            byte[] secret = new byte[12];
            new SecureRandom().nextBytes(secret);
            String password = HexFormat.of().formatHex(secret);
            int port = freeLoopbackPort();
            writeConfig(dir, port, password);
            try (AutoCloseable server = servers.start(LiaisonConfig.load(dir))) {
                return new Attempt(exchange(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), password,
                        deadline), null);
            }
        } catch (Exception | LinkageError e) {
            return new Attempt(0, e instanceof ExecutionException wrapped ? wrapped.getCause() : e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** {@link #PHONES} phones at once, each its own account; the sum of their exchanges. */
    private static int exchange(InetSocketAddress server, String password, long deadline)
            throws InterruptedException, ExecutionException {
        ExecutorService threads = Executors.newFixedThreadPool(PHONES);
        try {
            List<Future<Integer>> phones = new ArrayList<>();
            for (int i = 0; i < PHONES; i++) {
                String user = USER + i;
                phones.add(threads.submit(() -> {
                    try (WarmUpClient phone = new WarmUpClient(server, DOMAIN, user, password)) {
                        return phone.exchange(EXCHANGES / PHONES, deadline);
                    }
                }));
            }
            int done = 0;
            for (Future<Integer> phone : phones) {
                done += phone.get();
            }
            return done;
        } finally {
            threads.shutdownNow();
        }
    }

    private static void writeConfig(Path dir, int port, String password) throws IOException {
        String properties = String.join("\n",
                "sip.domain = " + DOMAIN,
                "sip.address = 127.0.0.1",
                "sip.udp.port = " + port,
                "sip.tcp.port = 0",
                "sip.tls.port = 0",
                "sip.warm-up-seconds = 0",
                "data.dir = " + dir.resolve("data"),
                "http.port = 0",
                "admin.port = 0",
                "relay.metrics-port = 0",
                "media.relay = never",
                "media.encryption = optional",
                "security.allowed-destinations = 127.0.0.0/8",
                "media.allowed-destinations = 127.0.0.0/8",
                // one source sends everything, as fast as the server answers
                "security.udp.max-datagrams-per-source-per-second = 1000000",
                "security.udp.max-bytes-per-second = 1000000000",
                "");
        Files.writeString(dir.resolve(LiaisonConfig.FILE_NAME), properties, StandardCharsets.UTF_8);
        StringBuilder users = new StringBuilder("username,password,display_name,extension,groups\n");
        for (int i = 0; i < PHONES; i++) {
            users.append(USER).append(i).append(",clrtxt:").append(password).append(",Warm-up,,\n");
        }
        Files.writeString(dir.resolve("users.csv"), users, StandardCharsets.UTF_8);
    }

    private static int freeLoopbackPort() throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return probe.getLocalPort();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("warm-up directory {} left behind: {}", dir, e.toString());
        }
    }
}
