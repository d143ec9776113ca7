package org.liaison.sip;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.liaison.im.redis.RedisNotDurable;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.UsersFile;
import org.liaison.provisioning.UsersFileException;
import org.liaison.provisioning.admin.UsersCommand;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.enrolment.EnrolmentTokenStore;
import org.liaison.provisioning.onboarding.Onboarding;
import org.liaison.sip.admin.StatusCommand;
import org.liaison.sip.backup.Archived;
import org.liaison.sip.backup.BackupProblem;
import org.liaison.sip.backup.DataDirBackup;
import org.liaison.sip.backup.DataDirRestore;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.cluster.RedisUnreachable;
import org.liaison.sip.config.ConfigException;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.warmup.WarmUp;
import org.liaison.sip.config.RelaySettings;
import org.liaison.sip.logging.LogFormat;
import org.liaison.sip.service.ServiceInstall;
import org.liaison.sip.tls.CertificateProblem;
import org.liaison.sip.tls.acme.AcmeCertificates;
import sun.misc.Signal;

/**
 * {@code bin/liaison}: {@code serve [--config DIR]} runs the server in the foreground until SIGTERM
 * or SIGINT; {@code relay [--config DIR]} runs only the media relay, controlled over ng on
 * {@code relay.control-address:relay.control-port}, with its metrics on {@code relay.metrics-port}
 * ({@link RelayProcess}), likewise;
 * {@code passwd USER [--config DIR]} stores a new password as HA1 values in users.csv;
 * {@code users VERB ...} adds, removes, lists, disables, enables and bulk-imports users
 * ({@link UsersCommand}); {@code onboarding USER|--all OUTDIR [--config DIR]} writes enrolment QR
 * codes and pages; {@code backup OUTFILE} copies data.dir while the server runs and {@code restore INFILE [--force]}
 * puts a backup back into a stopped server's data.dir ({@link DataDirBackup}, {@link DataDirRestore});
 * {@code install-service} makes it a systemd service ({@link ServiceInstall}); {@code status [--config DIR]
 * [--watch]} prints a running server's live figures ({@link StatusCommand}).
 * Exit status: 0 done, 1 failed while running, 2 bad command line or configuration.
 */
public final class SipServerMain {
    private static final String ALL_USERS = "--all";
    private static final String FORCE = "--force";
    private static final String DRY_RUN = "--dry-run";
    private static final String WATCH = "--watch";

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
        List<String> words = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                configDir = Path.of(args[++i]);
            } else {
                words.add(args[i]);
            }
        }
        try {
            LiaisonConfig config = LiaisonConfig.load(configDir);
            LogFormat.apply(config.log());
            return switch (args[0]) {
                case "serve" -> words.isEmpty() ? serve(config) : usage();
                case "relay" -> words.isEmpty() ? relay(config) : usage();
                case "passwd" -> words.size() == 1 && !words.get(0).startsWith("-") ? passwd(config, words.get(0)) : usage();
                case "users" -> users(config, words);
                case "status" -> words.isEmpty() || words.equals(List.of(WATCH))
                        ? new StatusCommand(config, System.out, System.err, Clock.systemUTC()).run(!words.isEmpty())
                        : usage();
                case "onboarding" -> words.size() == 2 ? onboarding(config, words.get(0), Path.of(words.get(1))) : usage();
                case "backup" -> words.size() == 1 && !words.get(0).startsWith("-")
                        ? backup(config, Path.of(words.get(0))) : usage();
                case "restore" -> restore(config, words);
                case "install-service" -> installService(config, words);
                default -> usage();
            };
        } catch (ConfigException e) {
            System.err.println("liaison: " + e.getMessage());
            return 2;
        } catch (UsersFileException | CertificateProblem | DataDirInUse | RedisUnreachable | RedisNotDurable
                | BackupProblem e) {
            System.err.println("liaison: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("liaison: " + e);
            return 1;
        }
    }

    /** {@code users passwd USER} is {@code passwd USER}; the other verbs edit users.csv without a terminal. */
    private static int users(LiaisonConfig config, List<String> words) throws IOException, UsersFileException {
        if (words.size() == 2 && "passwd".equals(words.get(0)) && !words.get(1).startsWith("-")) {
            return passwd(config, words.get(1));
        }
        return new UsersCommand(config.users().file(), config.users().groupsFile(), config.sip().domain(),
                System.out, System.err).run(words);
    }

    private static int serve(LiaisonConfig config) throws Exception {
        CountDownLatch stop = stopOnSignal();
        if (!config.sip().warmUp().isZero()) {
            WarmUp.run(config.sip().warmUp(), SipServer::start);
        }
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
        try (RelayProcess relay = RelayProcess.start(settings)) {
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

    /** Fresh one-time links for {@code who} (a username or --all): a QR code and a page each, in {@code outDir}. */
    private static int onboarding(LiaisonConfig config, String who, Path outDir)
            throws IOException, UsersFileException {
        String domain = config.sip().domain();
        AccountSnapshot accounts = UsersFile.load(config.users().file(), domain);
        List<Account> chosen = ALL_USERS.equals(who) ? List.copyOf(accounts.all())
                : accounts.byUsername(who).map(List::of).orElse(List.of());
        if (chosen.isEmpty()) {
            System.err.println("liaison: no user " + who + " in " + config.users().file());
            return 2;
        }
        if (config.http().port() == 0) {
            System.err.println("liaison: warning: http.port is 0, so nothing serves these links yet");
        }
        Path dataDir = SipServer.createDataDir(config.dataDir());
        // in cluster mode the links go where every node redeems them; null (one machine) is not closed
        try (ClusterRedis redis = config.cluster().clustered()
                ? ClusterRedis.connect(config.cluster().redisUri().orElseThrow()) : null) {
            EnrolmentTokenStore tokens = StateStores.enrolmentTokens(redis, dataDir, config.http().tokenTtl(),
                    Clock.systemUTC());
            // with a certificate from the ACME CA phones trust the server as they are: no CA to install (issue 15)
            Onboarding onboarding = new Onboarding(tokens, new ClientUrls(config.http().publicUrl()), domain,
                    AcmeCertificates.issued(config.tls().acme(), dataDir, Clock.systemUTC()));
            for (Onboarding.Written w : onboarding.write(chosen, outDir)) {
                System.out.println(w.username() + ": " + w.page() + " " + w.qrCode());
            }
        }
        return 0;
    }

    /** A consistent copy of data.dir while the server runs (docs/operations.md "Backups"). */
    private static int backup(LiaisonConfig config, Path outFile) throws IOException {
        if (config.cluster().clustered()) {
            System.err.println("liaison: cluster mode: registrations, messages, tokens and the TLS identity are in Redis"
                    + " (back it up with Redis's own tools: BGSAVE or a copy of the AOF); this backs up only this"
                    + " node's data.dir (shared files, node-local keys)");
        }
        Archived archived = DataDirBackup.write(config.dataDir(), outFile, DataDirLock.FILE_NAME, Clock.systemUTC());
        // read back as restore would, so a backup that could not be restored is known now, not on the bad day
        DataDirRestore.verify(outFile);
        System.out.println("backup of " + config.dataDir() + " taken at " + archived.created() + ": "
                + archived.files() + " files, " + archived.bytes() + " bytes, in " + outFile + " (read back: intact)");
        return 0;
    }

    /** {@code restore INFILE [--force]} into the data.dir of a stopped server, locked meanwhile so none starts. */
    private static int restore(LiaisonConfig config, List<String> words) throws IOException {
        List<String> files = words.stream().filter(w -> !w.equals(FORCE)).toList();
        if (files.size() != 1 || files.get(0).startsWith("-") || words.size() - files.size() > 1) {
            return usage();
        }
        Path archive = Path.of(files.get(0));
        Path dataDir = SipServer.createDataDir(config.dataDir());
        try (DataDirLock lock = DataDirLock.acquire(dataDir)) {
            Archived archived = DataDirRestore.restore(archive, dataDir, DataDirLock.FILE_NAME, words.contains(FORCE));
            System.out.println("restored the backup taken at " + archived.created() + " into " + dataDir + ": "
                    + archived.files() + " files, " + archived.bytes() + " bytes");
        }
        return 0;
    }

    /**
     * {@code install-service [--user NAME] [--dry-run]}: the systemd unit of packaging/systemd for this installation
     * (bin/liaison passes its directory as liaison.home), with its user and directories (docs/operations.md
     * "Service (systemd)").
     */
    private static int installService(LiaisonConfig config, List<String> words) throws IOException, InterruptedException {
        boolean dryRun = words.contains(DRY_RUN);
        List<String> rest = words.stream().filter(w -> !w.equals(DRY_RUN)).toList();
        String user = ServiceInstall.DEFAULT_USER;
        if (rest.size() == 2 && rest.get(0).equals("--user")) {
            user = rest.get(1);
        } else if (!rest.isEmpty()) {
            return usage();
        }
        String home = System.getProperty("liaison.home");
        if (home == null) {
            System.err.println("liaison: install-service must be run through bin/liaison (it installs that copy)");
            return 2;
        }
        if (!dryRun && !"root".equals(System.getProperty("user.name"))) {
            System.err.println("liaison: install-service creates a user and writes /etc/systemd/system: run it as root"
                    + " (or with " + DRY_RUN + " to see what it would do)");
            return 2;
        }
        try {
            return ServiceInstall.of(Path.of(home), config, user).run(dryRun, System.out);
        } catch (IllegalArgumentException e) {
            System.err.println("liaison: " + e.getMessage());
            return 2;
        }
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
                + "       liaison passwd USER [--config DIR]\n"
                + "       liaison onboarding USER|" + ALL_USERS + " OUTDIR [--config DIR]\n"
                + "       liaison backup OUTFILE [--config DIR]\n"
                + "       liaison restore INFILE [" + FORCE + "] [--config DIR]\n"
                + "       liaison install-service [--user NAME] [" + DRY_RUN + "] [--config DIR]\n"
                + "       liaison status [--config DIR] [" + WATCH + "]\n"
                + UsersCommand.USAGE.replace("usage: ", "       "));
        return 2;
    }
}
