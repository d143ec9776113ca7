package org.liaison.provisioning;

import java.util.List;

/**
 * A users file that passed every check: its text, for in-place edits, and its users in file
 * order. There is no partially valid document: any problem fails the whole parse.
 */
record UsersDocument(SourceText text, List<UserRow> users) {
    UsersDocument {
        users = List.copyOf(users);
    }

    static UsersDocument parse(String fileName, byte[] content) throws UsersFileException {
        Problems problems = new Problems(fileName);
        SourceText text = SourceText.decode(content, problems);
        List<UserRow> users = UserRowReader.read(UsersCsv.read(text, problems), problems);
        problems.throwIfAny();
        return new UsersDocument(text, users);
    }
}
