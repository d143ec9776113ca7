package org.liaison.provisioning;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A users file that passed every check: its text, for in-place edits, and its users in file
 * order. There is no partially valid document: any problem fails the whole parse.
 */
record UsersDocument(SourceText text, AdminCsv.Table table, List<UserRow> users) {
    UsersDocument {
        users = List.copyOf(users);
    }

    /** The user {@code username} (any case), when the file has it. */
    Optional<UserRow> user(String username) {
        String wanted = username.toLowerCase(Locale.ROOT);
        return users.stream().filter(u -> u.username().equals(wanted)).findFirst();
    }

    /** The raw record of {@code user}. */
    CsvRow record(UserRow user) {
        return table.rows().stream().filter(r -> r.start() == user.start()).findFirst().orElseThrow();
    }

    static UsersDocument parse(String fileName, byte[] content) throws UsersFileException {
        Problems problems = new Problems(fileName);
        SourceText text = SourceText.decode(content, problems);
        AdminCsv.Table table = UsersCsv.read(text, problems);
        List<UserRow> users = UserRowReader.read(table, problems);
        problems.throwIfAny();
        return new UsersDocument(text, table, users);
    }
}
