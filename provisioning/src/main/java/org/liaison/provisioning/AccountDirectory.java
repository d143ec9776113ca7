package org.liaison.provisioning;

import java.util.Collection;
import java.util.Optional;

/**
 * The accounts the server knows, as of the last valid users file. Reads are lock-free snapshots:
 * a reload swaps the whole directory at once, never half of it.
 */
public interface AccountDirectory {
    /** The account whose username is {@code username} (case-insensitive). */
    Optional<Account> byUsername(String username);

    /** The account whose extension is {@code extension}. */
    Optional<Account> byExtension(String extension);

    /** Resolves the user part of a Request-URI: a username first, else an extension. */
    default Optional<Account> resolve(String userPart) {
        Optional<Account> byName = byUsername(userPart);
        return byName.isPresent() ? byName : byExtension(userPart);
    }

    /** Every account, in file order. */
    Collection<Account> all();
}
