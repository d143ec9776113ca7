package org.liaison.provisioning.admin;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.UsersFile;
import org.liaison.provisioning.UsersFileException;
import org.liaison.provisioning.admin.HrExport.LineProblem;

/**
 * What importing an HR export would do to users.csv: which rows create users, which match an
 * existing user exactly (unchanged), which name an existing user with other details (conflict:
 * never overwritten), and which are errors (a bad cell, a username or extension used twice in
 * the export or taken by another user). Applying is all or nothing: with any error nothing is
 * written, unless the admin asked to skip bad lines.
 */
final class UsersImport {
    /** A user to create, with the password made for it: shown once, in the credentials file. */
    record Created(int line, Account account, String password) {
    }

    private final List<Created> created = new ArrayList<>();
    private final List<LineProblem> unchanged = new ArrayList<>();
    private final List<LineProblem> conflicts = new ArrayList<>();
    private final List<LineProblem> errors = new ArrayList<>();

    private UsersImport() {
    }

    /**
     * @param existing every user of users.csv, disabled ones included
     * @param realm    the SIP domain, to hash the new passwords with
     */
    static UsersImport plan(HrExport.Rows export, AccountSnapshot existing, String realm, GeneratedPasswords passwords) {
        UsersImport plan = new UsersImport();
        plan.errors.addAll(export.problems());
        Map<String, Account> existingByName = new HashMap<>();
        Map<String, Account> existingByExtension = new HashMap<>();
        Stream.concat(existing.all().stream(), existing.disabled().stream()).forEach(a -> {
            existingByName.put(a.username(), a);
            a.extension().ifPresent(e -> existingByExtension.put(e, a));
        });
        Map<String, Integer> usernameLines = new HashMap<>();
        Map<String, Integer> extensionLines = new HashMap<>();
        for (ImportedRow row : export.rows()) {
            Integer sameName = usernameLines.putIfAbsent(row.username(), row.line());
            Integer sameExtension = row.extension().map(e -> extensionLines.putIfAbsent(e, row.line())).orElse(null);
            Account before = existingByName.get(row.username());
            Optional<Account> extensionOwner = row.extension().map(existingByExtension::get)
                    .filter(owner -> !owner.username().equals(row.username()));
            if (sameName != null) {
                plan.errors.add(new LineProblem(row.line(), "username " + row.username() + " is already on line " + sameName));
            } else if (sameExtension != null) {
                plan.errors.add(new LineProblem(row.line(), "extension " + row.extension().orElseThrow()
                        + " is already on line " + sameExtension));
            } else if (before != null) {
                plan.compare(row, before);
            } else if (extensionOwner.isPresent()) {
                plan.errors.add(new LineProblem(row.line(), "extension " + row.extension().orElseThrow()
                        + " belongs to the existing user " + extensionOwner.get().username()));
            } else {
                String password = passwords.next();
                plan.created.add(new Created(row.line(), new Account(row.username(), row.displayName(), row.extension(),
                        row.groups(), Credentials.fromPassword(row.username(), realm, password)), password));
            }
        }
        plan.errors.sort(Comparator.comparingInt(LineProblem::line));
        return plan;
    }

    private void compare(ImportedRow row, Account before) {
        List<String> differences = new ArrayList<>();
        if (!before.displayName().equals(row.displayName())) {
            differences.add("display name");
        }
        if (!before.extension().equals(row.extension())) {
            differences.add("extension");
        }
        if (!before.groups().equals(row.groups())) {
            differences.add("groups");
        }
        if (differences.isEmpty()) {
            unchanged.add(new LineProblem(row.line(), row.username() + " exists with the same details"));
        } else {
            conflicts.add(new LineProblem(row.line(), row.username() + " exists with another "
                    + String.join(", ", differences) + "; not changed"));
        }
    }

    List<Created> created() {
        return created;
    }

    List<LineProblem> unchanged() {
        return unchanged;
    }

    List<LineProblem> conflicts() {
        return conflicts;
    }

    List<LineProblem> errors() {
        return errors;
    }

    /**
     * Writes the credentials file (owner-only, never over an existing file), then appends the new
     * users to users.csv in one atomic replace. When users.csv refuses them, the credentials file
     * is removed again: it must not list passwords that work nowhere.
     */
    void apply(Path usersFile, Path groupsFile, Path credentialsFile) throws IOException, UsersFileException {
        if (created.isEmpty()) {
            return;
        }
        writeCredentials(credentialsFile);
        try {
            UsersFile.add(usersFile, groupsFile, created.stream().map(Created::account).toList());
        } catch (IOException | UsersFileException | RuntimeException e) {
            Files.deleteIfExists(credentialsFile);
            throw e;
        }
    }

    private void writeCredentials(Path file) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
                CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180)) {
            csv.printRecord("username", "password", "display_name", "extension");
            for (Created user : created) {
                csv.printRecord(user.account().username(), user.password(), user.account().displayName(),
                        user.account().extension().orElse(""));
            }
        }
    }
}
