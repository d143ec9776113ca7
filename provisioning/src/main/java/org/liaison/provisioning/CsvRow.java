package org.liaison.provisioning;

import java.util.List;

/**
 * One data record of users.csv before validation.
 *
 * @param line  physical line the record starts on (1-based, the header is line 1)
 * @param start offset of its first character in the file body, for in-place edits
 * @param cells its cells, as many as the record has
 */
record CsvRow(int line, int start, List<String> cells) {
    CsvRow {
        cells = List.copyOf(cells);
    }

    String cell(UsersCsv.Column column) {
        return cells.get(column.ordinal());
    }
}
