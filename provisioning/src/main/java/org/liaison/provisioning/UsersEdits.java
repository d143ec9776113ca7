package org.liaison.provisioning;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The text edits behind the users commands, each returning the whole new file: a cell replaced,
 * a record appended or removed. Every byte outside the edit stays, so an admin's comments,
 * quoting and line endings survive.
 */
final class UsersEdits {
    private UsersEdits() {
    }

    /** Cell {@code index} of {@code record} set to {@code value}; a record that stops before it is extended. */
    static byte[] setCell(SourceText text, CsvRow record, int index, String value) {
        String body = text.body();
        if (index < record.cells().size()) {
            return text.replace(CsvCells.span(body, record.start(), index), CsvCells.quote(value));
        }
        int end = CsvCells.span(body, record.start(), record.cells().size() - 1).end();
        String cells = ",".repeat(index - record.cells().size() + 1) + CsvCells.quote(value);
        return text.replace(new CsvCells.Span(end, end), cells);
    }

    /** The file without {@code record} and its line break. */
    static byte[] remove(SourceText text, CsvRow record) {
        String body = text.body();
        int end = CsvCells.span(body, record.start(), record.cells().size() - 1).end();
        if (body.startsWith("\r\n", end)) {
            end += 2;
        } else if (end < body.length()) {
            end += 1; // \n or a lone \r
        }
        return text.replace(new CsvCells.Span(record.start(), end), "");
    }

    /** The file with one record per account appended, in the file's own line ending. */
    static byte[] append(SourceText text, List<Account> accounts) {
        String body = text.body();
        String newline = body.contains("\r\n") ? "\r\n" : "\n";
        StringBuilder added = new StringBuilder();
        if (!body.isEmpty() && !body.endsWith("\n") && !body.endsWith("\r")) {
            added.append(newline);
        }
        for (Account account : accounts) {
            added.append(String.join(",",
                            CsvCells.quote(account.username()),
                            CsvCells.quote(PasswordColumn.hashedForm(account.credentials())),
                            CsvCells.quote(account.displayName()),
                            CsvCells.quote(account.extension().orElse("")),
                            CsvCells.quote(account.groups().stream().sorted().collect(Collectors.joining(";")))))
                    .append(newline);
        }
        return text.replace(new CsvCells.Span(body.length(), body.length()), added.toString());
    }
}
