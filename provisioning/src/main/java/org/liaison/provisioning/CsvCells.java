package org.liaison.provisioning;

/**
 * Finds where a cell sits in the raw text of a record, so one cell can be replaced and every
 * other byte of the file kept. Follows the quoting the parser accepted: a cell is quoted when
 * its first character is {@code "}, and {@code ""} inside it is an escaped quote.
 */
final class CsvCells {
    private static final char QUOTE = '"';
    private static final char DELIMITER = ',';

    /** Where a cell is: {@code [start, end)}, quotes included. */
    record Span(int start, int end) {
    }

    private CsvCells() {
    }

    /** Cell {@code index} (0-based) of the record starting at {@code recordStart}. */
    static Span span(String text, int recordStart, int index) {
        int start = recordStart;
        for (int i = 0; i < index; i++) {
            start = endOfCell(text, start) + 1; // skip the delimiter
        }
        return new Span(start, endOfCell(text, start));
    }

    /**
     * {@code value} as a cell: quoted (RFC 4180) when it holds a delimiter, quote or line break,
     * or starts or ends with a space that an admin's tools might trim.
     */
    static String quote(String value) {
        boolean plain = value.chars().noneMatch(c -> c == DELIMITER || c == QUOTE || c == '\r' || c == '\n')
                && value.strip().length() == value.length();
        return plain ? value : QUOTE + value.replace("\"", "\"\"") + QUOTE;
    }

    private static int endOfCell(String text, int start) {
        if (start < text.length() && text.charAt(start) == QUOTE) {
            int at = start + 1;
            while (true) {
                at = text.indexOf(QUOTE, at);
                if (at < 0) {
                    throw new IllegalArgumentException("unclosed quote in a record the parser accepted");
                }
                if (at + 1 < text.length() && text.charAt(at + 1) == QUOTE) {
                    at += 2;
                } else {
                    return at + 1;
                }
            }
        }
        int at = start;
        while (at < text.length() && !isCellEnd(text.charAt(at))) {
            at++;
        }
        return at;
    }

    private static boolean isCellEnd(char c) {
        return c == DELIMITER || c == '\r' || c == '\n';
    }
}
