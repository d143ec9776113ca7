package org.liaison.provisioning.admin;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Stream;

/** Rows printed as columns aligned with spaces, for people reading a terminal. */
final class Table {
    private static final String GAP = "  ";

    private Table() {
    }

    static void print(PrintStream out, List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (List<String> row : concat(header, rows)) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).codePointCount(0, row.get(i).length()));
            }
        }
        for (List<String> row : concat(header, rows)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(cell).append(" ".repeat(widths[i] - cell.codePointCount(0, cell.length()))).append(GAP);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static List<List<String>> concat(List<String> header, List<List<String>> rows) {
        return Stream.concat(Stream.of(header), rows.stream()).toList();
    }
}
