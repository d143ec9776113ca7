package org.liaison.sip.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.media.MediaDestinations;
import org.liaison.media.MediaRelay;
import org.liaison.sip.SipServer;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.wire.UdpPorts;

/**
 * The real server, started in-process on a free loopback port with a temporary configuration and
 * data directory. Its configuration only lets it send to loopback. Build with {@link #builder()}.
 */
public final class TestServer implements AutoCloseable {
    public static final String DOMAIN = "liaison.test";
    /** The repository's configuration directory, as shipped (tests run in the sip-server module). */
    public static final Path SHIPPED_CONF = Path.of("..", "conf");
    /** For relays a test builds itself: media to loopback only (test phones are sockets on this host). */
    public static final MediaDestinations LOOPBACK_MEDIA = destination -> destination.getAddress().isLoopbackAddress();
    private static final Pattern PROPERTY_LINE = Pattern.compile("^([\\w.-]+)\\s*=.*$", Pattern.MULTILINE);
    /** Relay ports a shipped-configuration server gets: 10 calls. */
    private static final int SHIPPED_RELAY_PORTS = 40;

    private final Path configDir;
    private final Path dataDir;
    private final int port;
    private final int tlsPort;
    private final MediaRelay relay;
    private final int httpPort;
    private final String domain;
    private SipServer server;
    private MediaRelay openedRelay;

    private TestServer(Path root, int port, Map<String, String> properties, List<String> userLines,
            Map<String, String> files, MediaRelay relay, boolean shipped) throws IOException {
        this.relay = relay;
        this.configDir = Files.createDirectories(root.resolve("conf"));

        this.dataDir = root.resolve("data");
        this.port = port;
        this.tlsPort = Integer.parseInt(properties.getOrDefault("sip.tls.port", "0"));
        this.httpPort = Integer.parseInt(properties.getOrDefault("http.port", "0"));
        StringBuilder users = new StringBuilder("username,password,display_name,extension,groups\n");
        userLines.forEach(line -> users.append(line).append('\n'));
        String base = shipped ? copyShippedConf() : "";
        this.domain = properties.getOrDefault("sip.domain", shipped ? shippedValue(base, "sip.domain") : DOMAIN);
        Files.writeString(usersFile(), users.toString(), StandardCharsets.UTF_8);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Files.writeString(configDir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
        }
        Files.writeString(configDir.resolve(LiaisonConfig.FILE_NAME), overridden(base, properties),
                StandardCharsets.UTF_8);
    }

    /** Copies the shipped configuration directory into this one; returns its liaison.properties. */
    private String copyShippedConf() throws IOException {
        Trees.copy(SHIPPED_CONF, configDir);
        return Files.readString(SHIPPED_CONF.resolve(LiaisonConfig.FILE_NAME));
    }

    private static String shippedValue(String properties, String key) {
        Matcher line = Pattern.compile("^" + Pattern.quote(key) + "\\s*=\\s*(.*?)\\s*$", Pattern.MULTILINE)
                .matcher(properties);
        if (!line.find()) {
            throw new IllegalStateException(SHIPPED_CONF + " sets no " + key);
        }
        return line.group(1);
    }

    /** {@code base} with the keys of {@code properties} it sets replaced in place, the others appended. */
    private static String overridden(String base, Map<String, String> properties) {
        Map<String, String> rest = new LinkedHashMap<>(properties);
        Matcher line = PROPERTY_LINE.matcher(base);
        StringBuilder props = new StringBuilder();
        while (line.find()) {
            String value = rest.remove(line.group(1));
            line.appendReplacement(props, Matcher.quoteReplacement(
                    value == null ? line.group() : line.group(1) + " = " + value));
        }
        line.appendTail(props);
        rest.forEach((k, v) -> props.append(k).append(" = ").append(v).append('\n'));
        return props.toString();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts (or restarts, after {@link #stop()}) the server on the same directories and port. */
    public TestServer start() throws Exception {
        LiaisonConfig config = LiaisonConfig.load(configDir);
        server = SipServer.start(config, (settings, placements) -> {
            openedRelay = relay != null ? relay : SipServer.openRelay(settings, placements);
            return openedRelay;
        });
        return this;
    }

    /** The media relay calls go through: the one given, or the one the server opened from its settings. */
    public MediaRelay relay() {
        if (openedRelay == null) {
            throw new IllegalStateException("this server runs no media relay (media.relay = never?)");
        }
        return openedRelay;
    }

    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public SipServer server() {
        return server;
    }

    public int port() {
        return port;
    }

    /** The TLS listener's port; 0 unless built {@link Builder#withTls() withTls}. */
    public int tlsPort() {
        return tlsPort;
    }

    /** The HTTPS provisioning port; 0 unless built {@link Builder#withProvisioning() withProvisioning}. */
    public int httpPort() {
        return httpPort;
    }

    public String domain() {
        return domain;
    }

    public String host() {
        return "127.0.0.1";
    }

    public Path configDir() {
        return configDir;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path usersFile() {
        return configDir.resolve("users.csv");
    }

    @Override
    public void close() {
        stop();
    }

    /** In a {@link Builder#property property} value: the SIP port the builder chose (UDP and TCP). */
    public static final String SIP_PORT = "{sip-port}";
    /** In a {@link Builder#property property} value: the TLS port the builder chose ({@link Builder#withTls}). */
    public static final String TLS_PORT = "{tls-port}";

    public static final class Builder {
        private final List<String> users = new ArrayList<>();
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final Map<String, String> files = new LinkedHashMap<>();
        private boolean tls;
        private MediaRelay relay;
        private boolean provisioning;
        private boolean shipped;

        /** A user with a clear-text password, e.g. {@code user("alice", "secret", "1001")}. */
        public Builder user(String name, String password, String extension) {
            users.add(name + ",clrtxt:" + password + "," + name + " Test," + extension + ",staff");
            return this;
        }

        /** A raw users.csv line. */
        public Builder userLine(String line) {
            users.add(line);
            return this;
        }

        /** Adds a TLS listener on a free port of its own, with a certificate from the server's private CA. */
        public Builder withTls() {
            tls = true;
            return this;
        }

        /** Calls go through {@code relay} (media.relay = always unless set otherwise). */
        public Builder mediaRelay(MediaRelay relay) {
            this.relay = relay;
            return this;
        }

        /** Serves HTTPS provisioning on a free port, with a certificate from the server's private CA. */
        public Builder withProvisioning() {
            provisioning = true;
            return this;
        }

        /**
         * Starts from a copy of the repository's conf/ directory, every policy as shipped: the test
         * sets only what must differ on a shared test machine (addresses, free ports for SIP over TLS,
         * HTTPS and the relay, the data directory, loopback-only destinations), its users and
         * {@link #property properties}.
         */
        public Builder shippedConfiguration() {
            shipped = true;
            return this;
        }

        /** A file of the configuration directory, e.g. {@code groups.csv}, written before the server starts. */
        public Builder configFile(String name, String text) {
            files.put(name, text);
            return this;
        }

        public Builder property(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** Writes the configuration under {@code root} (a JUnit {@code @TempDir}) without starting. */
        public TestServer create(Path root) throws IOException {
            if (shipped) {
                return createShipped(root);
            }
            int port = FreePorts.udpAndTcp();
            Map<String, String> p = new LinkedHashMap<>();
            p.put("sip.domain", DOMAIN);
            p.put("sip.address", "127.0.0.1");
            p.put("sip.udp.port", Integer.toString(port));
            p.put("sip.tcp.port", Integer.toString(port));
            p.put("data.dir", root.resolve("data").toString());
            p.put("users.poll-interval-ms", "100");
            // tests must never make the server send anywhere but loopback
            p.put("security.allowed-destinations", "127.0.0.0/8, ::1/128");
            // media too: phones are sockets on this host (the server's own sockets stay refused)
            p.put("media.allowed-destinations", "127.0.0.0/8, ::1/128");
            if (tls) {
                int tlsPort = FreePorts.udpAndTcp();
                while (tlsPort == port) {
                    tlsPort = FreePorts.udpAndTcp();
                }
                p.put("sip.tls.port", Integer.toString(tlsPort));
            }
            // signalling tests offer plain RTP and run without a relay unless they ask for one
            p.put("media.relay", relay == null ? "never" : "always");
            p.put("media.encryption", "optional");
            // off unless asked for: it would take the shipped 8443 and make a CA for every test
            int httpPort = 0;
            while (provisioning && (httpPort == 0 || httpPort == port || String.valueOf(httpPort).equals(p.get("sip.tls.port")))) {
                httpPort = FreePorts.udpAndTcp();
            }
            p.put("http.port", Integer.toString(httpPort));
            // off unless a test asks for it: the shipped 9090 is one port for every test server
            p.put("admin.port", "0");
            // likewise the shipped 9091 of a relay run alone (liaison relay with this configuration)
            p.put("relay.metrics-port", "0");
            // bin/liaison serve's JIT warm-up (a few seconds per start; ServeCommandTest's shipped-configuration run
            // and WarmUpTest cover it): many tests start server processes, and an in-process server never warms up
            p.put("sip.warm-up-seconds", "0");
            if (provisioning) {
                p.put("http.public-url", "https://127.0.0.1:" + httpPort);
            }
            p.putAll(overrides);
            // a value may name the SIP port chosen here, e.g. cluster.node-uri = sip:127.0.0.1:{sip-port}
            String tlsPort = p.getOrDefault("sip.tls.port", "0");
            p.replaceAll((key, value) -> value.replace(SIP_PORT, Integer.toString(port)).replace(TLS_PORT, tlsPort));
            return new TestServer(root, port, p, users, files, relay, false);
        }

        private TestServer createShipped(Path root) throws IOException {
            int tlsPort = FreePorts.udpAndTcp();
            int httpPort = FreePorts.udpAndTcp();
            while (httpPort == tlsPort) {
                httpPort = FreePorts.udpAndTcp();
            }
            int relayPorts = UdpPorts.freeBlock(SHIPPED_RELAY_PORTS);
            Map<String, String> p = new LinkedHashMap<>();
            p.put("sip.address", "127.0.0.1");
            p.put("sip.tls.port", Integer.toString(tlsPort));
            p.put("http.port", Integer.toString(httpPort));
            p.put("admin.port", "0");
            p.put("relay.metrics-port", "0");
            p.put("relay.port-min", Integer.toString(relayPorts));
            p.put("relay.port-max", Integer.toString(relayPorts + SHIPPED_RELAY_PORTS - 1));
            p.put("data.dir", root.resolve("data").toString());
            // tests must never make the server send anywhere but loopback
            p.put("security.allowed-destinations", "127.0.0.0/8, ::1/128");
            // media too: phones are sockets on this host (the server's own sockets stay refused)
            p.put("media.allowed-destinations", "127.0.0.0/8, ::1/128");
            p.putAll(overrides);
            return new TestServer(root, 0, p, users, files, relay, true);
        }

        public TestServer start(Path root) throws Exception {
            return create(root).start();
        }
    }
}
