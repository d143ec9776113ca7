package org.liaison.sip.service;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.liaison.sip.config.LiaisonConfig;

/**
 * packaging/systemd/liaison.service, whose paths fit the documented layout (/opt/liaison, /etc/liaison,
 * /var/lib/liaison), rewritten for an installation: its bin/liaison, configuration directory, data.dir and user.
 * When a listener is configured on a port below 1024 (5060 and 5061 are not), the service keeps exactly one
 * capability, CAP_NET_BIND_SERVICE (bounding and ambient set), and runs without a private user namespace, in which
 * the capability would not reach the host's network; otherwise it keeps none.
 */
public final class ServiceUnit {
    /** The template, relative to the installation (liaison.home). */
    public static final Path TEMPLATE = Path.of("packaging", "systemd", "liaison.service");
    static final String BIND_LOW_PORTS = "CAP_NET_BIND_SERVICE";
    private static final int FIRST_UNPRIVILEGED_PORT = 1024;
    private static final String STATE_ROOT = "/var/lib/";

    private ServiceUnit() {
    }

    /**
     * The unit for {@code config} run by {@code user} from the installation in {@code home}.
     *
     * @throws IllegalArgumentException naming a path systemd could not take unquoted
     */
    public static String render(String template, Path home, LiaisonConfig config, String user) {
        Path configDir = plain(config.configDir().toAbsolutePath().normalize());
        Path dataDir = plain(config.dataDir());
        Path installation = plain(home.toAbsolutePath().normalize());
        Map<String, String> values = new LinkedHashMap<>();
        values.put("Documentation", "file:" + installation.resolve("docs/operations.md"));
        values.put("ExecStart", installation.resolve("bin/liaison") + " serve --config " + configDir);
        values.put("User", user);
        values.put("Group", user);
        values.put("WorkingDirectory", dataDir.toString());
        String state = dataDir.toString();
        if (state.startsWith(STATE_ROOT) && !state.substring(STATE_ROOT.length()).isEmpty()) {
            values.put("StateDirectory", state.substring(STATE_ROOT.length()));
        } else {
            // not under /var/lib: systemd does not make it; ProtectSystem=strict must still let the server write it
            values.put("StateDirectory", null);
            values.put("StateDirectoryMode", "ReadWritePaths=" + dataDir);
        }
        if (needsLowPorts(config)) {
            values.put("CapabilityBoundingSet", BIND_LOW_PORTS);
            values.put("AmbientCapabilities", BIND_LOW_PORTS);
            values.put("PrivateUsers", "no");
        }
        return rewrite(template, values);
    }

    /** Whether a listener of {@code config} is on a port only a privileged process may bind. */
    static boolean needsLowPorts(LiaisonConfig config) {
        int acmeChallengePort = config.tls().acme().enabled() ? config.tls().acme().httpPort() : 0;
        return IntStream.of(config.sip().udpPort(), config.sip().tcpPort(), config.sip().tlsPort(), config.http().port(),
                config.relay().control().getPort(), acmeChallengePort)
                .anyMatch(port -> port > 0 && port < FIRST_UNPRIVILEGED_PORT);
    }

    /**
     * Each {@code KEY=} line of {@code values} gets its value; null drops the line; a value that is itself
     * {@code KEY=VALUE} replaces the whole line.
     */
    private static String rewrite(String template, Map<String, String> values) {
        StringBuilder unit = new StringBuilder();
        for (String line : template.split("\n", -1)) {
            int equals = line.indexOf('=');
            String key = equals > 0 && !line.startsWith("#") ? line.substring(0, equals) : "";
            if (!values.containsKey(key)) {
                unit.append(line).append('\n');
                continue;
            }
            String value = values.get(key);
            if (value != null) {
                unit.append(value.matches("[A-Za-z]+=.*") ? value : key + "=" + value).append('\n');
            }
        }
        return unit.substring(0, unit.length() - 1);
    }

    /**
     * A path systemd and a shell take as is: absolute, of letters, digits and {@code / . _ + @ , -} only (no space,
     * quote, '%' or '$', which unit files expand, nor anything a shell would).
     */
    static Path plain(Path path) {
        String text = path.toString();
        if (!path.isAbsolute() || !text.matches("[A-Za-z0-9/._+@,-]+")) {
            throw new IllegalArgumentException("the path " + text + " cannot go into a systemd unit unquoted;"
                    + " install Liaison, its configuration and data.dir under plain absolute paths");
        }
        return path;
    }
}
