package org.liaison.provisioning;

import java.util.List;

/**
 * One record of an admin CSV file before validation.
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

    /** Cell {@code index}; a record may stop before an optional column, which then reads as empty. */
    String cell(int index) {
        return index < cells.size() ? cells.get(index) : "";
    }
}
