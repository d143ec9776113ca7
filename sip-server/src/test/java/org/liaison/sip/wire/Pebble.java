package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TlsClients;

/**
 * Debian's pebble, Let's Encrypt's ACME test server, on loopback ports of its own, validating for real: its HTTP-01
 * requests go to {@link #httpPort()} of whatever address its DNS gives, and its DNS is a pebble-challtestsrv that
 * answers 127.0.0.1 for every name (no AAAA), so {@code liaison.test} is this host. Pebble serves its ACME API with
 * a certificate made here for 127.0.0.1 ({@link #serverCa()}, for {@code sip.tls.acme.ca-file}); the root of the
 * chains it issues is made at each start and fetched from its management port ({@link #root()}).
 *
 * <p>Made with its ports chosen and its files written ({@link #prepare}), started separately, so a test can point a
 * server at it while it is down.
 */
public final class Pebble implements AutoCloseable {
    private static final Duration READY = Duration.ofSeconds(20);

    private final Path dir;
    private final int acmePort;
    private final int managementPort;
    private final int httpPort;
    private final int dnsPort;
    private final int dnsManagementPort;
    private final List<ChildProcess> running = new ArrayList<>();

    private Pebble(Path dir, int acmePort, int managementPort, int httpPort, int dnsPort, int dnsManagementPort) {
        this.dir = dir;
        this.acmePort = acmePort;
        this.managementPort = managementPort;
        this.httpPort = httpPort;
        this.dnsPort = dnsPort;
        this.dnsManagementPort = dnsManagementPort;
    }

    /**
     * Pebble's configuration in {@code dir}: certificates valid for {@code validitySeconds}, and orders for any of
     * {@code refused} (and their subdomains) refused as its policy forbids them.
     */
    public static Pebble prepare(Path dir, long validitySeconds, List<String> refused) throws IOException,
            InterruptedException {
        return prepare(dir, validitySeconds, refused, FreePorts.udpAndTcp());
    }

    /** As {@link #prepare(Path, long, List)}, its TLS-ALPN-01 handshakes (RFC 8737) made to {@code tlsPort}. */
    public static Pebble prepare(Path dir, long validitySeconds, List<String> refused, int tlsPort)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Pebble pebble = new Pebble(dir, FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), FreePorts.udpAndTcp(),
                FreePorts.udpAndTcp(), FreePorts.udpAndTcp());
        run(dir, Tools.require("openssl").toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", "key.pem", "-out", "cert.pem", "-days", "2",
                "-subj", "/CN=pebble", "-addext", "subjectAltName=IP:127.0.0.1");
        Files.writeString(dir.resolve("pebble.json"), "{\"pebble\": {"
                + "\"listenAddress\": \"127.0.0.1:" + pebble.acmePort + "\","
                + "\"managementListenAddress\": \"127.0.0.1:" + pebble.managementPort + "\","
                + "\"certificate\": \"cert.pem\", \"privateKey\": \"key.pem\","
                + "\"httpPort\": " + pebble.httpPort + ", \"tlsPort\": " + tlsPort + ","
                + "\"ocspResponderURL\": \"\", \"externalAccountBindingRequired\": false,"
                + "\"certificateValidityPeriod\": " + validitySeconds + ","
                + "\"domainBlocklist\": [" + refused.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(","))
                + "]}}\n");
        return pebble;
    }

    /** Starts its DNS and pebble, and waits until its directory answers. */
    public Pebble start() throws IOException {
        running.add(ChildProcess.start("pebble-challtestsrv", List.of(
                Tools.require("pebble-challtestsrv").toString(), "-dns01", "127.0.0.1:" + dnsPort,
                "-management", "127.0.0.1:" + dnsManagementPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""), dir, dir.resolve("challtestsrv.log"), Map.of()));
        // real validation (no PEBBLE_VA_ALWAYS_VALID), at once, and no nonce refused for fun
        running.add(ChildProcess.start("pebble", List.of(Tools.require("pebble").toString(), "-config",
                "pebble.json", "-dnsserver", "127.0.0.1:" + dnsPort, "-strict=false"), dir,
                dir.resolve("pebble.log"), Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0",
                        "PEBBLE_AUTHZREUSE", "0")));
        await().atMost(READY).pollInterval(Duration.ofMillis(100)).until(() -> listening(acmePort)
                && listening(managementPort));
        return this;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public URI directory() {
        return URI.create("https://127.0.0.1:" + acmePort + "/dir");
    }

    /** The certificate of pebble's own HTTPS (the ACME API), for {@code sip.tls.acme.ca-file}. */
    public Path serverCa() {
        return dir.resolve("cert.pem");
    }

    /** Where pebble sends its HTTP-01 requests: {@code sip.tls.acme.http-port}. */
    public int httpPort() {
        return httpPort;
    }

    /** The root of the chains this run of pebble issues, as a PEM file. */
    public Path root() throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(TlsClients.trusting(serverCa())).build();
        HttpResponse<String> root = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                + managementPort + "/roots/0")).build(), HttpResponse.BodyHandlers.ofString());
        if (root.statusCode() != 200) {
            throw new IOException("pebble's /roots/0 answered " + root.statusCode());
        }
        return Files.writeString(dir.resolve("root.pem"), root.body());
    }

    /**
     * From now on its DNS answers {@code ipv4} for every name, so its HTTP-01 requests go to that address (another
     * node of a cluster than 127.0.0.1, say).
     */
    public void answerNamesWith(String ipv4) throws IOException, InterruptedException {
        HttpResponse<String> set = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + dnsManagementPort + "/set-default-ipv4"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"ip\":\"" + ipv4 + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (set.statusCode() != 200) {
            throw new IOException("pebble-challtestsrv's /set-default-ipv4 answered " + set.statusCode());
        }
    }

    /** How many orders pebble accepted (each logged as it is added). */
    public long orders() {
        return log().lines().filter(line -> line.contains("Added order")).count();
    }

    /** What pebble logged, for a failing test's message. */
    public String log() {
        return running.isEmpty() ? "(not started)" : running.get(running.size() - 1).outputText();
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile()).start();
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + Files.readString(dir.resolve("openssl.log")));
        }
    }

    /** Stops pebble and its DNS (may be started again). */
    @Override
    public void close() {
        running.forEach(ChildProcess::close);
        running.clear();
    }
}
