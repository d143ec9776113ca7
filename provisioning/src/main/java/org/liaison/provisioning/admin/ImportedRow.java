package org.liaison.provisioning.admin;

import java.util.Optional;
import java.util.Set;

/**
 * A row of the HR export that passed its own checks, before it is compared with existing users.
 *
 * @param line physical line of the export (1-based, the header is line 1)
 */
record ImportedRow(int line, String username, String displayName, Optional<String> extension, Set<String> groups) {
}
