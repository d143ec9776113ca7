package org.liaison.sip;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.liaison.media.MediaRelay;
import org.liaison.media.ng.NgControlServer;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.UsersFile;
import org.liaison.provisioning.UsersFileException;
import org.liaison.sip.config.ConfigException;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.config.RelaySettings;
import sun.misc.Signal;

/**
 * {@code bin/liaison}: {@code serve [--config DIR]} runs the server in the foreground until SIGTERM
 * or SIGINT; {@code relay [--config DIR]} runs only the media relay, controlled over ng on
 * {@code relay.control-address:relay.control-port}, likewise;
 * {@code passwd USER [--config DIR]} stores a new password as HA1 values in users.csv.
 * Exit status: 0 done, 1 failed while running, 2 bad command line or configuration.
 */
public final class SipServerMain {
    private SipServerMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            return usage();
        }
        Path configDir = Path.of("conf");
        String user = null;
        for (int i = 1; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configDir = Path.of(args[++i]);
            } else if ("passwd".equals(args[0]) && user == null && !args[i].startsWith("-")) {
                user = args[i];
            } else {
                return usage();
            }
        }
        try {
            LiaisonConfig config = LiaisonConfig.load(configDir);
            return switch (args[0]) {
                case "serve" -> serve(config);
                case "relay" -> relay(config);
                case "passwd" -> user == null ? usage() : passwd(config, user);
                default -> usage();
            };
        } catch (ConfigException e) {
            System.err.println("liaison: " + e.getMessage());
            return 2;
        } catch (UsersFileException e) {
            System.err.println("liaison: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("liaison: " + e);
            return 1;
        }
    }

    private static int serve(LiaisonConfig config) throws Exception {
        CountDownLatch stop = stopOnSignal();
        try (SipServer server = SipServer.start(config)) {
            stop.await();
        }
        return 0;
    }

    private static int relay(LiaisonConfig config) throws Exception {
        RelaySettings settings = config.relay();
        if (settings.control().getPort() == 0) {
            System.err.println("liaison: relay.control-port is 0: nothing could control this relay");
            return 2;
        }
        CountDownLatch stop = stopOnSignal();
        try (MediaRelay relay = MediaRelay.inProcess(settings.toRelayConfig());
                NgControlServer control = NgControlServer.start(relay, settings.control())) {
            stop.await();
        }
        return 0;
    }

    /** Counted down by SIGTERM or SIGINT: handling them ourselves (not shutdown hooks) lets us exit 0. */
    private static CountDownLatch stopOnSignal() {
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        return stop;
    }

    private static int passwd(LiaisonConfig config, String user) throws IOException, UsersFileException {
        String password = readPassword(user);
        if (password == null || password.isEmpty()) {
            System.err.println("liaison: no password given");
            return 2;
        }
        Path file = config.users().file();
        UsersFile.setPassword(file, user, Credentials.fromPassword(user, config.sip().domain(), password));
        System.out.println("password of " + user + " stored as HA1 in " + file);
        return 0;
    }

    /** From the terminal without echo (asked twice), or the first line of standard input for scripts. */
    private static String readPassword(String user) throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("New password for %s: ", user);
            char[] again = console.readPassword("Again: ");
            if (first == null || again == null || !new String(first).equals(new String(again))) {
                System.err.println("liaison: the passwords differ");
                return null;
            }
            return new String(first);
        }
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }

    private static int usage() {
        System.err.println("usage: liaison serve [--config DIR]\n       liaison relay [--config DIR]\n"
                + "       liaison passwd USER [--config DIR]");
        return 2;
    }
}
