package org.liaison.provisioning.admin;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.UserPart;
import org.liaison.provisioning.UsersFile;
import org.liaison.provisioning.UsersFileException;
import org.liaison.provisioning.admin.HrColumns.Field;

/**
 * {@code bin/liaison users add|remove|list|disable|enable|import ...}: the admin's one-off and
 * bulk edits of users.csv. Every write is atomic and keeps the file's other lines byte for byte;
 * a running server applies it within its poll interval. Exit status: 0 done, 1 the import had
 * errors, 2 bad command line or a file problem.
 */
public final class UsersCommand {
    public static final String USAGE = """
            usage: liaison users add USER [--name NAME] [--extension EXT] [--groups G1,G2]
                   liaison users remove USER
                   liaison users disable USER | enable USER
                   liaison users list [--format table|csv]
                   liaison users passwd USER
                   liaison users import FILE.csv [--username-column H] [--email-column H] [--name-column H]
                                        [--extension-column H] [--groups-column H] [--credentials FILE]
                                        [--dry-run] [--skip-bad]
              (each also takes --config DIR)""";
    private static final Set<String> FLAGS = Set.of("--dry-run", "--skip-bad");

    private final Path usersFile;
    private final Path groupsFile;
    private final String realm;
    private final PrintStream out;
    private final PrintStream err;
    private final GeneratedPasswords passwords;

    /**
     * @param realm the SIP domain, which new passwords are hashed with
     */
    public UsersCommand(Path usersFile, Path groupsFile, String realm, PrintStream out, PrintStream err) {
        this(usersFile, groupsFile, realm, out, err, new GeneratedPasswords(new SecureRandom()));
    }

    UsersCommand(Path usersFile, Path groupsFile, String realm, PrintStream out, PrintStream err,
            GeneratedPasswords passwords) {
        this.usersFile = usersFile;
        this.groupsFile = groupsFile;
        this.realm = realm;
        this.out = out;
        this.err = err;
        this.passwords = passwords;
    }

    /** Runs {@code args}, the words after {@code users} (without {@code --config DIR}). */
    public int run(List<String> args) {
        Optional<Arguments> parsed = Arguments.parse(args);
        if (parsed.isEmpty()) {
            return usage();
        }
        Arguments a = parsed.get();
        try {
            switch (a.verb()) {
                case "add":
                    return add(a);
                case "remove":
                    UsersFile.remove(usersFile, a.user());
                    out.println("removed " + a.user() + " from " + usersFile);
                    return 0;
                case "disable":
                case "enable":
                    UsersFile.setDisabled(usersFile, a.user(), a.verb().equals("disable"));
                    out.println(a.verb() + "d " + a.user() + " in " + usersFile);
                    return 0;
                case "list":
                    return list(a.option("--format").orElse("table"));
                case "import":
                    return importFile(a);
                default:
                    return usage();
            }
        } catch (UsersFileException e) {
            err.println("liaison: " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException e) {
            err.println("liaison: " + e);
            return 2;
        }
    }

    private int add(Arguments a) throws IOException, UsersFileException {
        Optional<String> username = UserPart.normalize(a.user());
        Optional<String> extension = a.option("--extension");
        if (username.isEmpty()) {
            err.println("liaison: a username must be " + UserPart.RULE);
            return 2;
        }
        if (extension.isPresent() && UserPart.extension(extension.get()).isEmpty()) {
            err.println("liaison: an extension must be " + UserPart.EXTENSION_RULE);
            return 2;
        }
        Set<String> groups = Stream.of(a.option("--groups").orElse("").split("[,;]"))
                .map(String::strip).filter(g -> !g.isEmpty()).collect(Collectors.toSet());
        String password = passwords.next();
        UsersFile.add(usersFile, groupsFile, List.of(new Account(username.get(), a.option("--name").orElse(""),
                extension, groups, Credentials.fromPassword(username.get(), realm, password))));
        out.println("added " + username.get() + " to " + usersFile + "; password (stored hashed, shown only now): "
                + password);
        return 0;
    }

    private int list(String format) throws IOException, UsersFileException {
        AccountSnapshot accounts = UsersFile.load(usersFile, groupsFile, realm);
        List<List<String>> rows = new ArrayList<>();
        Stream.concat(accounts.all().stream().map(u -> row(u, false)), accounts.disabled().stream().map(u -> row(u, true)))
                .sorted(Comparator.comparing(r -> r.get(0)))
                .forEach(rows::add);
        List<String> header = List.of("username", "display_name", "extension", "groups", "disabled");
        switch (format) {
            case "csv":
                try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
                    csv.printRecord(header);
                    csv.printRecords(rows);
                    csv.flush();
                }
                return 0;
            case "table":
                Table.print(out, header, rows);
                return 0;
            default:
                return usage();
        }
    }

    private static List<String> row(Account user, boolean disabled) {
        return List.of(user.username(), user.displayName(), user.extension().orElse(""),
                user.groups().stream().sorted().collect(Collectors.joining(";")), disabled ? "yes" : "no");
    }

    private int importFile(Arguments a) throws IOException, UsersFileException {
        Path export = Path.of(a.user());
        Map<Field, String> columns = new EnumMap<>(Field.class);
        a.option("--username-column").ifPresent(h -> columns.put(Field.USERNAME, h));
        a.option("--email-column").ifPresent(h -> columns.put(Field.EMAIL, h));
        a.option("--name-column").ifPresent(h -> columns.put(Field.NAME, h));
        a.option("--extension-column").ifPresent(h -> columns.put(Field.EXTENSION, h));
        a.option("--groups-column").ifPresent(h -> columns.put(Field.GROUPS, h));
        HrExport.Rows rows;
        try {
            rows = HrExport.read(Files.readString(export), columns);
        } catch (CharacterCodingException e) {
            err.println("liaison: " + export + " is not UTF-8; save it as UTF-8 (CSV UTF-8 in spreadsheets)");
            return 2;
        } catch (HrExport.Unreadable e) {
            err.println("liaison: " + export + " " + e.getMessage());
            return 2;
        }
        UsersImport plan = UsersImport.plan(rows, UsersFile.load(usersFile, groupsFile, realm), realm, passwords);
        Path credentials = a.option("--credentials").map(Path::of).orElse(credentialsBeside(export));
        boolean dryRun = a.flag("--dry-run");
        boolean write = !dryRun && (plan.errors().isEmpty() || a.flag("--skip-bad"));
        if (write && !plan.created().isEmpty() && Files.exists(credentials)) {
            err.println("liaison: " + credentials + " exists; move it away or name another with --credentials FILE");
            return 2;
        }
        ImportReport.print(out, export, plan);
        if (write) {
            plan.apply(usersFile, groupsFile, credentials);
            ImportReport.printWritten(out, usersFile, credentials, plan);
        } else {
            out.println(dryRun ? "dry run: nothing written" : "nothing written: fix the errors above, "
                    + "or import the other lines with --skip-bad");
        }
        return plan.errors().isEmpty() ? 0 : 1;
    }

    /** {@code staff.csv} gets {@code staff-credentials.csv} in the same directory. */
    private static Path credentialsBeside(Path export) {
        String name = export.getFileName().toString().replaceFirst("(?i)\\.csv$", "");
        return export.toAbsolutePath().resolveSibling(name + "-credentials.csv");
    }

    private int usage() {
        err.println(USAGE);
        return 2;
    }

    /** The verb, its one positional word (USER or FILE), options with values, and flags. */
    private record Arguments(String verb, String user, Map<String, String> options, Set<String> flags) {
        static Optional<Arguments> parse(List<String> args) {
            if (args.isEmpty()) {
                return Optional.empty();
            }
            String positional = null;
            Map<String, String> options = new HashMap<>();
            Set<String> flags = new HashSet<>();
            for (int i = 1; i < args.size(); i++) {
                String word = args.get(i);
                if (FLAGS.contains(word)) {
                    flags.add(word);
                } else if (word.startsWith("--") && i + 1 < args.size()) {
                    options.put(word, args.get(++i));
                } else if (positional == null && !word.startsWith("--")) {
                    positional = word;
                } else {
                    return Optional.empty();
                }
            }
            boolean needsPositional = !args.get(0).equals("list");
            if (needsPositional != (positional != null)) {
                return Optional.empty();
            }
            return Optional.of(new Arguments(args.get(0), positional, options, flags));
        }

        Optional<String> option(String name) {
            return Optional.ofNullable(options.get(name));
        }

        boolean flag(String name) {
            return flags.contains(name);
        }
    }
}
