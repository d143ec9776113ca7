package org.liaison.provisioning.admin;

import java.util.Optional;
import org.liaison.provisioning.TextFold;
import org.liaison.provisioning.UserPart;

/** Turns HR text into the names users.csv accepts. */
final class Names {
    private Names() {
    }

    /** Lower case without accents or surrounding spaces: " Hélène" becomes "helene". */
    static String fold(String text) {
        return TextFold.fold(text.strip());
    }

    /**
     * The username derived from an e-mail address: its local part, folded, keeping letters,
     * digits, '.', '_' and '-' ("Zoë.O'Brien+hr@x" gives "zoe.obrienhr"); empty when nothing
     * valid is left.
     */
    static Optional<String> usernameFromEmail(String email) {
        int at = email.indexOf('@');
        String local = at < 0 ? email : email.substring(0, at);
        return UserPart.normalize(fold(local).replaceAll("[^a-z0-9._-]", ""));
    }

    /**
     * The group id derived from a department name: folded, every run of other characters made
     * one '-' ("Sales & Marketing" gives "sales-marketing"); empty when nothing valid is left.
     */
    static Optional<String> groupFromDepartment(String department) {
        return UserPart.normalize(fold(department).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-._]+|-+$", ""));
    }
}
