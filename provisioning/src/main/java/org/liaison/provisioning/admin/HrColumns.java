package org.liaison.provisioning.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Which column of an HR export holds what, found by header name: the admin's choice when given
 * ({@code --username-column H}...), otherwise the first header among common names. Headers are
 * compared ignoring case, accents, spaces, '-' and '_' ("E-mail", "e_mail" and "EMAIL" are one
 * name, so are "Prénom" and "prenom").
 */
final class HrColumns {
    /** What the import reads from a row. */
    enum Field {
        USERNAME("username", "login", "user", "userid", "uid", "samaccountname", "account"),
        EMAIL("email", "mail", "emailaddress"),
        NAME("displayname", "name", "fullname", "cn"),
        FIRST_NAME("firstname", "givenname", "prenom"),
        LAST_NAME("lastname", "surname", "familyname", "nom"),
        EXTENSION("extension", "ext", "phoneextension", "extensionnumber", "poste"),
        GROUPS("groups", "group", "department", "dept", "team", "service");

        private final List<String> usualHeaders;

        Field(String... usualHeaders) {
            this.usualHeaders = List.of(usualHeaders);
        }
    }

    private final List<String> header;
    private final Map<Field, String> chosen;

    /**
     * @param chosen the headers the admin named, by field
     */
    HrColumns(List<String> header, Map<Field, String> chosen) {
        this.header = header.stream().map(HrColumns::key).toList();
        this.chosen = Map.copyOf(chosen);
    }

    /** A header the admin named that the file does not have. */
    Optional<String> missingChoice() {
        return chosen.values().stream().filter(h -> !header.contains(key(h))).findFirst();
    }

    /** The column of {@code field}: the admin's choice, else the first usual header present. */
    OptionalInt column(Field field) {
        String wanted = chosen.get(field);
        if (wanted != null) {
            return indexOf(key(wanted));
        }
        for (String usual : field.usualHeaders) {
            OptionalInt found = indexOf(usual);
            if (found.isPresent()) {
                return found;
            }
        }
        return OptionalInt.empty();
    }

    private OptionalInt indexOf(String key) {
        int index = header.indexOf(key);
        return index < 0 ? OptionalInt.empty() : OptionalInt.of(index);
    }

    private static String key(String headerName) {
        return Names.fold(headerName).replaceAll("[\\s_-]+", "");
    }
}
