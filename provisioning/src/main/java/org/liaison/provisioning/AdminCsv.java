package org.liaison.provisioning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The CSV layer of the admin's files (users.csv, groups.csv): a header whose first columns are a
 * contract, optional columns found by name after them, and the records under it with the
 * physical line each starts on. Knows nothing about what a valid row is.
 */
final class AdminCsv {
    static final char COMMENT_MARKER = '#';

    /** RFC 4180 quoting; {@code #} comments and blank lines are for admins and ignored. */
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setCommentMarker(COMMENT_MARKER)
            .setIgnoreEmptyLines(true)
            .get();

    /**
     * The header and the data records of one file.
     *
     * @param header the header record; its first cells are the required columns
     * @param rows   the data records with at least the required cells
     */
    record Table(CsvRow header, List<CsvRow> rows) {
        Table {
            rows = List.copyOf(rows);
        }

        /** The index of the column named {@code name} (case-insensitive), when the header has it. */
        OptionalInt column(String name) {
            List<String> names = header.cells();
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).strip().equalsIgnoreCase(name)) {
                    return OptionalInt.of(i);
                }
            }
            return OptionalInt.empty();
        }
    }

    private AdminCsv() {
    }

    /**
     * The data records, after checking that the header starts with {@code required}; records
     * with too few cells are reported, not returned.
     *
     * @param rowNoun what one record is, for messages ("user")
     */
    static Table read(SourceText text, Problems problems, List<String> required, String rowNoun)
            throws UsersFileException {
        String requiredHeader = String.join(",", required);
        List<CsvRow> rows = new ArrayList<>();
        CsvRow header;
        try (CSVParser parser = CSVParser.parse(text.body(), FORMAT)) {
            Iterator<CSVRecord> records = parser.iterator();
            long linesConsumed = 0;
            try {
                if (!records.hasNext()) {
                    throw problems.fatal(1, "is empty; the first line must be the header " + requiredHeader);
                }
                header = toRow(text, records.next());
                checkHeader(header, required, problems);
                linesConsumed = parser.getCurrentLineNumber();
                while (records.hasNext()) {
                    CsvRow row = toRow(text, records.next());
                    linesConsumed = parser.getCurrentLineNumber();
                    if (isBlank(row)) {
                        continue;
                    }
                    if (row.cells().size() < required.size()) {
                        problems.add(row.line(), "has " + row.cells().size() + " columns; every " + rowNoun
                                + " needs " + required.size() + " (" + requiredHeader + ")");
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
        return new Table(header, rows);
    }

    private static void checkHeader(CsvRow header, List<String> required, Problems problems)
            throws UsersFileException {
        for (int position = 0; position < required.size(); position++) {
            if (position >= header.cells().size() || !header.cells().get(position).equals(required.get(position))) {
                // Fatal: without the header contract no cell below can be trusted to mean anything.
                throw problems.fatal(header.line(), "the header must start with " + String.join(",", required)
                        + "; column " + (position + 1) + " is not " + required.get(position));
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
