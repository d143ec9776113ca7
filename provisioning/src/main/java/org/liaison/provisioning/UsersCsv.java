package org.liaison.provisioning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The CSV layer of users.csv: the header contract and the records under it, with the physical
 * line each record starts on. Knows nothing about what a valid user is.
 */
final class UsersCsv {
    static final char COMMENT_MARKER = '#';

    /** The required columns, in the order the header must list them; more may follow. */
    enum Column {
        USERNAME, PASSWORD, DISPLAY_NAME, EXTENSION, GROUPS;

        String header() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String REQUIRED_HEADER = Arrays.stream(Column.values())
            .map(Column::header).collect(Collectors.joining(","));

    /** RFC 4180 quoting; {@code #} comments and blank lines are for admins and ignored. */
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setCommentMarker(COMMENT_MARKER)
            .setIgnoreEmptyLines(true)
            .get();

    private UsersCsv() {
    }

    /** The data records, after checking the header; records with too few cells are reported, not returned. */
    static List<CsvRow> rows(SourceText text, Problems problems) throws UsersFileException {
        List<CsvRow> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(text.body(), FORMAT)) {
            Iterator<CSVRecord> records = parser.iterator();
            long linesConsumed = 0;
            try {
                if (!records.hasNext()) {
                    throw problems.fatal(1, "is empty; the first line must be the header " + REQUIRED_HEADER);
                }
                checkHeader(toRow(text, records.next()), problems);
                linesConsumed = parser.getCurrentLineNumber();
                while (records.hasNext()) {
                    CsvRow row = toRow(text, records.next());
                    linesConsumed = parser.getCurrentLineNumber();
                    if (isBlank(row)) {
                        continue;
                    }
                    if (row.cells().size() < Column.values().length) {
                        problems.add(row.line(), "has " + row.cells().size() + " columns; every user needs "
                                + Column.values().length + " (" + REQUIRED_HEADER + ")");
                    } else {
                        rows.add(row);
                    }
                }
            } catch (UncheckedIOException e) {
                // The parser's own message may quote the broken cell; say what to look for instead.
                throw problems.fatal(text.firstRecordLineAfter(linesConsumed),
                        "broken quoting: a quoted cell is never closed, or text follows its closing quote");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        return rows;
    }

    private static void checkHeader(CsvRow header, Problems problems) throws UsersFileException {
        for (Column column : Column.values()) {
            int position = column.ordinal();
            if (position >= header.cells().size() || !header.cells().get(position).equals(column.header())) {
                // Fatal: without the header contract no cell below can be trusted to mean anything.
                throw problems.fatal(header.line(), "the header must start with " + REQUIRED_HEADER
                        + "; column " + (position + 1) + " is not " + column.header());
            }
        }
    }

    private static CsvRow toRow(SourceText text, CSVRecord record) {
        int start = text.skipBlankAndCommentLines(Math.toIntExact(record.getCharacterPosition()));
        return new CsvRow(text.lineAt(start), start, record.toList());
    }

    /** A line of only spaces parses as a record; admins mean it as a blank line. */
    private static boolean isBlank(CsvRow row) {
        return row.cells().stream().allMatch(String::isBlank);
    }
}
