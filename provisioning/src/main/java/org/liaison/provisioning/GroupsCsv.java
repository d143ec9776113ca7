package org.liaison.provisioning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * groups.csv, the admin's optional list of groups, under the header
 * {@code group,display_name,extension,visibility}: a display name and an extension for a group,
 * and who sees it in the directory ({@code everyone}, the default, or {@code members}). A user
 * may belong to a group groups.csv does not list (users.csv alone can make a group, as it always
 * could); a listed group nobody belongs to is still a directory entry. Group ids and extensions
 * share users' namespace: one that is also a username or a user's extension is an error.
 */
final class GroupsCsv {
    static final List<String> REQUIRED = List.of("group", "display_name", "extension", "visibility");
    private static final int ID = 0;
    private static final int DISPLAY_NAME = 1;
    private static final int EXTENSION_COLUMN = 2;
    private static final int VISIBILITY = 3;

    private final UsersDocument users;
    private final Problems problems;
    private final Map<String, Integer> idLines = new HashMap<>();
    private final Map<String, Integer> extensionLines = new HashMap<>();

    private GroupsCsv(UsersDocument users, Problems problems) {
        this.users = users;
        this.problems = problems;
    }

    /** Every group of the file, checked against {@code users}; all or nothing. */
    static List<Group> parse(String fileName, byte[] content, UsersDocument users) throws UsersFileException {
        Problems problems = new Problems(fileName);
        AdminCsv.Table table = AdminCsv.read(SourceText.decode(content, problems), problems, REQUIRED, "group");
        GroupsCsv reader = new GroupsCsv(users, problems);
        List<Group> groups = new ArrayList<>();
        for (CsvRow row : table.rows()) {
            reader.read(row).ifPresent(groups::add);
        }
        problems.throwIfAny();
        return groups;
    }

    private Optional<Group> read(CsvRow row) {
        int problemsBefore = problems.count();
        Optional<String> id = checkId(row);
        String displayName = row.cell(DISPLAY_NAME).strip();
        if (displayName.codePoints().anyMatch(Character::isISOControl)) {
            problems.add(row.line(), "display_name must not contain line breaks, tabs or other control characters");
        }
        Optional<String> extension = checkExtension(row);
        Optional<Group.Visibility> visibility = checkVisibility(row);
        if (problems.count() > problemsBefore) {
            return Optional.empty();
        }
        String groupId = id.orElseThrow();
        return Optional.of(new Group(groupId, displayName.isEmpty() ? groupId : displayName, extension,
                visibility.orElseThrow()));
    }

    private Optional<String> checkId(CsvRow row) {
        String cell = row.cell(ID).strip();
        if (cell.isEmpty()) {
            problems.add(row.line(), "group is required");
            return Optional.empty();
        }
        Optional<String> id = UserPart.normalize(cell);
        if (id.isEmpty()) {
            problems.add(row.line(), "group must be " + UserPart.RULE);
            return id;
        }
        claim(row, idLines, id.get(), "group " + id.get());
        usersClaiming(id.get()).ifPresent(line ->
                problems.add(row.line(), "group " + id.get() + " is also a username or extension on users.csv line " + line));
        return id;
    }

    private Optional<String> checkExtension(CsvRow row) {
        String cell = row.cell(EXTENSION_COLUMN).strip();
        if (cell.isEmpty()) {
            return Optional.empty();
        }
        if (UserPart.extension(cell).isEmpty()) {
            problems.add(row.line(), "extension must be " + UserPart.EXTENSION_RULE);
            return Optional.empty();
        }
        claim(row, extensionLines, cell, "extension " + cell);
        usersClaiming(cell).ifPresent(line ->
                problems.add(row.line(), "extension " + cell + " is also a username or extension on users.csv line " + line));
        return Optional.of(cell);
    }

    private Optional<Group.Visibility> checkVisibility(CsvRow row) {
        String cell = row.cell(VISIBILITY).strip().toLowerCase(Locale.ROOT);
        switch (cell) {
            case "", "everyone":
                return Optional.of(Group.Visibility.EVERYONE);
            case "members":
                return Optional.of(Group.Visibility.MEMBERS);
            default:
                problems.add(row.line(), "visibility must be everyone or members (empty means everyone)");
                return Optional.empty();
        }
    }

    private void claim(CsvRow row, Map<String, Integer> lines, String key, String what) {
        Integer first = lines.putIfAbsent(key, row.line());
        if (first != null) {
            problems.add(row.line(), what + " is already used on line " + first);
        }
    }

    /** The users.csv line whose username or extension is {@code userPart}, disabled users included. */
    private Optional<Integer> usersClaiming(String userPart) {
        return users.users().stream()
                .filter(u -> u.username().equals(userPart) || u.extension().filter(userPart::equals).isPresent())
                .map(UserRow::line)
                .findFirst();
    }
}
