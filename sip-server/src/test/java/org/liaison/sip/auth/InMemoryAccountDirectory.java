package org.liaison.sip.auth;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.Group;

/** A fixed list of accounts, each with a clear password turned into HA1s for {@link #REALM}. */
final class InMemoryAccountDirectory implements AccountDirectory {
    static final String REALM = "liaison.example.org";

    private final List<Account> accounts;

    InMemoryAccountDirectory(List<Account> accounts) {
        this.accounts = List.copyOf(accounts);
    }

    static Account account(String username, String password) {
        return new Account(username, "", Optional.empty(), Set.of(),
                Credentials.fromPassword(username, REALM, password));
    }

    @Override
    public Optional<Account> byUsername(String username) {
        String wanted = username.toLowerCase(Locale.ROOT);
        return accounts.stream().filter(a -> a.username().equals(wanted)).findFirst();
    }

    @Override
    public Optional<Account> byExtension(String extension) {
        return accounts.stream().filter(a -> a.extension().equals(Optional.of(extension))).findFirst();
    }

    @Override
    public Collection<Account> all() {
        return accounts;
    }

    @Override
    public Optional<Group> resolveGroup(String userPart) {
        return Optional.empty(); // these tests are about authentication, not groups
    }
}
