package org.liaison.provisioning;

import java.util.Optional;
import java.util.Set;

/**
 * One valid line of users.csv. The password stays in its column form until a realm is known.
 *
 * @param line     physical line (1-based)
 * @param start    offset of the record in the file body, to edit it in place
 * @param disabled the admin disabled the user: kept in the file, unknown to SIP and the directory
 */
record UserRow(int line, int start, String username, PasswordColumn password, String displayName,
        Optional<String> extension, Set<String> groups, boolean disabled) {

    Account toAccount(String realm) {
        return new Account(username, displayName, extension, groups, password.credentials(username, realm));
    }
}
