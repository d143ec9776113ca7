package org.liaison.provisioning;

import java.util.Collection;
import java.util.List;
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

    /** The group a Request-URI's user part names: its id first, else its extension (groups.csv). */
    Optional<Group> resolveGroup(String userPart);

    /** The members of {@code group}, in file order (empty when no account names it). */
    default List<Account> members(String group) {
        return all().stream().filter(a -> a.groups().contains(group)).toList();
    }
}
