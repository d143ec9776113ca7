package org.liaison.sip.service;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.liaison.sip.config.LiaisonConfig;

/**
 * {@code bin/liaison install-service [--user NAME] [--dry-run]}, as root: a system user and group (no login, no
 * home of its own), data.dir owned by it and private to it, the configuration directory readable by its group and
 * nobody else (users.csv holds HA1 values), the unit in /etc/systemd/system, and systemd told. {@code --dry-run}
 * prints the commands and the unit and changes nothing. Every step can run again (an existing user is kept).
 */
public final class ServiceInstall {
    public static final String DEFAULT_USER = "liaison";
    private static final Path UNIT_FILE = Path.of("/etc/systemd/system/liaison.service");
    private static final Path SYSTEMD_RUNNING = Path.of("/run/systemd/system");

    private final LiaisonConfig config;
    private final String user;
    private final String unit;

    private ServiceInstall(LiaisonConfig config, String user, String unit) {
        this.config = config;
        this.user = user;
        this.unit = unit;
    }

    /** The installation of {@code home} (liaison.home) as a service of {@code user}, not yet carried out. */
    public static ServiceInstall of(Path home, LiaisonConfig config, String user) throws IOException {
        if (!user.matches("[a-z_][a-z0-9_-]{0,31}")) {
            throw new IllegalArgumentException("--user " + user + " is not a system user name");
        }
        String template = Files.readString(home.resolve(ServiceUnit.TEMPLATE), StandardCharsets.UTF_8);
        return new ServiceInstall(config, user, ServiceUnit.render(template, home, config, user));
    }

    public String unit() {
        return unit;
    }

    /** The commands, in order, each as its argument vector. */
    List<List<String>> commands() {
        String dataDir = config.dataDir().toString();
        String configDir = config.configDir().toAbsolutePath().normalize().toString();
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("sh", "-c", "id -u " + user + " >/dev/null 2>&1 || useradd --system --user-group"
                + " --no-create-home --home-dir " + dataDir + " --shell /usr/sbin/nologin " + user));
        commands.add(List.of("install", "-d", "-m", "0700", "-o", user, "-g", user, dataDir));
        commands.add(List.of("chown", "-R", user + ":" + user, dataDir));
        commands.add(List.of("chgrp", "-R", user, configDir));
        commands.add(List.of("chmod", "-R", "g+rX,g-w,o-rwx", configDir));
        return commands;
    }

    /** Carries it out ({@code dryRun}: prints it), telling the admin on {@code out} what was done and what is next. */
    public int run(boolean dryRun, PrintStream out) throws IOException, InterruptedException {
        for (List<String> command : commands()) {
            out.println((dryRun ? "would run: " : "running: ") + String.join(" ", command));
            if (!dryRun && new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
                out.println("liaison: failed: " + String.join(" ", command));
                return 1;
            }
        }
        out.println((dryRun ? "would write " : "writing ") + UNIT_FILE + ":");
        if (dryRun) {
            out.println(unit);
        } else {
            Files.writeString(UNIT_FILE, unit, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(UNIT_FILE, PosixFilePermissions.fromString("rw-r--r--"));
            if (Files.isDirectory(SYSTEMD_RUNNING)
                    && new ProcessBuilder("systemctl", "daemon-reload").inheritIO().start().waitFor() != 0) {
                out.println("liaison: systemctl daemon-reload failed");
                return 1;
            }
        }
        if (ServiceUnit.needsLowPorts(config)) {
            out.println("a listener is on a port below 1024: the service keeps " + ServiceUnit.BIND_LOW_PORTS + " only");
        }
        out.println("next: systemctl enable --now liaison; journalctl -u liaison -f");
        return 0;
    }
}
