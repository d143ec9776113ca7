package org.liaison.provisioning;

import java.util.Locale;
import java.util.Optional;

/** A yes/no cell as admins and spreadsheets write it. */
final class YesNo {
    static final String RULE = "yes or no (or empty, meaning no)";

    private YesNo() {
    }

    static Optional<Boolean> parse(String cell) {
        switch (cell.strip().toLowerCase(Locale.ROOT)) {
            case "", "no", "n", "false", "0":
                return Optional.of(false);
            case "yes", "y", "true", "1":
                return Optional.of(true);
            default:
                return Optional.empty();
        }
    }
}
