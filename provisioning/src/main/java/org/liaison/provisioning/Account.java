package org.liaison.provisioning;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One staff member as the admin declared them in users.csv.
 *
 * @param username    the SIP user part, lower case ({@code alice} in {@code sip:alice@domain})
 * @param displayName shown to callees and in the directory; may be empty
 * @param extension   a short number that dials this user, or empty
 * @param groups      names of the groups this user belongs to
 * @param credentials the HA1 values used for digest authentication
 */
public record Account(String username, String displayName, Optional<String> extension, Set<String> groups,
        Credentials credentials) {
    public Account {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(extension, "extension");
        groups = Set.copyOf(groups);
        Objects.requireNonNull(credentials, "credentials");
    }
}
