package org.liaison.provisioning;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The columns of users.csv: the contract {@code username,password,display_name,extension,groups}
 * first, then optional columns found by name ({@code disabled}); any others are ignored.
 */
final class UsersCsv {
    /** The required columns, in the order the header must list them; more may follow. */
    enum Column {
        USERNAME, PASSWORD, DISPLAY_NAME, EXTENSION, GROUPS;

        String header() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final List<String> REQUIRED = Arrays.stream(Column.values()).map(Column::header).toList();
    /** Optional: {@code yes} disables the user (kept in the file, unknown to SIP). */
    static final String DISABLED = "disabled";

    private UsersCsv() {
    }

    static AdminCsv.Table read(SourceText text, Problems problems) throws UsersFileException {
        return AdminCsv.read(text, problems, REQUIRED, "user");
    }
}
