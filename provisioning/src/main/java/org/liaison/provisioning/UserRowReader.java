package org.liaison.provisioning;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.liaison.provisioning.UsersCsv.Column;

/**
 * Turns CSV records into users, checking every cell of every row and reporting each problem
 * on its line. A row with any problem yields no user.
 */
final class UserRowReader {
    private static final String GROUP_SEPARATOR = ";";

    private final Namespace namespace;
    private final Problems problems;
    private final OptionalInt disabledColumn;

    private UserRowReader(Namespace namespace, Problems problems, OptionalInt disabledColumn) {
        this.namespace = namespace;
        this.problems = problems;
        this.disabledColumn = disabledColumn;
    }

    /** The valid rows, in file order; problems with the others are added to {@code problems}. */
    static List<UserRow> read(AdminCsv.Table table, Problems problems) {
        UserRowReader reader = new UserRowReader(Namespace.of(table.rows()), problems,
                table.column(UsersCsv.DISABLED));
        List<UserRow> users = new ArrayList<>();
        for (CsvRow row : table.rows()) {
            reader.read(row).ifPresent(users::add);
        }
        return users;
    }

    /** The row's username in stored form, when it is one. */
    static Optional<String> username(CsvRow row) {
        return UserPart.normalize(row.cell(Column.USERNAME).strip());
    }

    /** The row's extension, when it has a valid one. */
    static Optional<String> extension(CsvRow row) {
        String extension = row.cell(Column.EXTENSION).strip();
        return UserPart.extension(extension);
    }

    private Optional<UserRow> read(CsvRow row) {
        int problemsBefore = problems.count();
        Optional<String> username = checkUsername(row);
        Optional<PasswordColumn> password = PasswordColumn.parse(row.cell(Column.PASSWORD),
                what -> problems.add(row.line(), what));
        String displayName = checkDisplayName(row);
        Optional<String> extension = checkExtension(row);
        Set<String> groups = checkGroups(row);
        boolean disabled = checkDisabled(row);
        if (problems.count() > problemsBefore) {
            return Optional.empty();
        }
        return Optional.of(new UserRow(row.line(), row.start(), username.orElseThrow(), password.orElseThrow(),
                displayName, extension, groups, disabled));
    }

    private boolean checkDisabled(CsvRow row) {
        if (disabledColumn.isEmpty()) {
            return false;
        }
        Optional<Boolean> disabled = YesNo.parse(row.cell(disabledColumn.getAsInt()));
        if (disabled.isEmpty()) {
            problems.add(row.line(), UsersCsv.DISABLED + " must be " + YesNo.RULE);
        }
        return disabled.orElse(false);
    }

    private Optional<String> checkUsername(CsvRow row) {
        if (row.cell(Column.USERNAME).isBlank()) {
            problems.add(row.line(), "username is required");
            return Optional.empty();
        }
        Optional<String> username = username(row);
        if (username.isEmpty()) {
            problems.add(row.line(), "username must be " + UserPart.RULE);
        }
        username.ifPresent(name -> reportIfClaimedEarlier(row, namespace.usernameLine(name), "username " + name));
        return username;
    }

    /** Free text, but it ends up in SIP headers, where a line break would start a new header. */
    private String checkDisplayName(CsvRow row) {
        String displayName = row.cell(Column.DISPLAY_NAME).strip();
        if (displayName.codePoints().anyMatch(Character::isISOControl)) {
            problems.add(row.line(), "display_name must not contain line breaks, tabs or other control characters");
        }
        return displayName;
    }

    private Optional<String> checkExtension(CsvRow row) {
        if (row.cell(Column.EXTENSION).isBlank()) {
            return Optional.empty();
        }
        Optional<String> extension = extension(row);
        if (extension.isEmpty()) {
            problems.add(row.line(), "extension must be " + UserPart.EXTENSION_RULE);
        }
        extension.ifPresent(number -> {
            reportIfClaimedEarlier(row, namespace.extensionLine(number), "extension " + number);
            // Request-URIs are resolved by username first: an extension equal to one would never be reached.
            namespace.usernameLine(number).ifPresent(line ->
                    problems.add(row.line(), "extension " + number + " is also the username on line " + line));
        });
        return extension;
    }

    private void reportIfClaimedEarlier(CsvRow row, OptionalInt firstLine, String what) {
        if (firstLine.isPresent() && firstLine.getAsInt() != row.line()) {
            problems.add(row.line(), what + " is already used on line " + firstLine.getAsInt());
        }
    }

    private Set<String> checkGroups(CsvRow row) {
        Set<String> groups = new LinkedHashSet<>();
        String[] entries = row.cell(Column.GROUPS).split(GROUP_SEPARATOR, -1);
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            if (entry.isEmpty()) {
                continue; // "sales;" or "sales; ;support": a stray separator is not worth rejecting the file
            }
            Optional<String> group = UserPart.normalize(entry);
            if (group.isEmpty()) {
                problems.add(row.line(), "groups: name " + (i + 1) + " must be " + UserPart.RULE);
            }
            group.ifPresent(name -> {
                // A group gets the URI sip:<group>@domain, which must not also mean a user.
                namespace.usernameLine(name).ifPresent(line ->
                        problems.add(row.line(), "group " + name + " is also the username on line " + line));
                namespace.extensionLine(name).ifPresent(line ->
                        problems.add(row.line(), "group " + name + " is also the extension on line " + line));
                groups.add(name);
            });
        }
        return groups;
    }
}
