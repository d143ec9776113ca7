package org.liaison.provisioning;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Which line first claims each username and extension, gathered from every row before any row
 * is validated, so that a conflict is reported on the later line naming the earlier one, and a
 * row broken elsewhere still counts for conflicts.
 */
final class Namespace {
    private final Map<String, Integer> usernameLines = new HashMap<>();
    private final Map<String, Integer> extensionLines = new HashMap<>();

    static Namespace of(List<CsvRow> rows) {
        Namespace namespace = new Namespace();
        for (CsvRow row : rows) {
            UserRowReader.username(row)
                    .ifPresent(name -> namespace.usernameLines.putIfAbsent(name, row.line()));
            UserRowReader.extension(row)
                    .ifPresent(extension -> namespace.extensionLines.putIfAbsent(extension, row.line()));
        }
        return namespace;
    }

    /** The first line with this username. */
    OptionalInt usernameLine(String username) {
        return lineOf(usernameLines, username);
    }

    /** The first line with this extension. */
    OptionalInt extensionLine(String extension) {
        return lineOf(extensionLines, extension);
    }

    private static OptionalInt lineOf(Map<String, Integer> lines, String key) {
        Integer line = lines.get(key);
        return line == null ? OptionalInt.empty() : OptionalInt.of(line);
    }
}
