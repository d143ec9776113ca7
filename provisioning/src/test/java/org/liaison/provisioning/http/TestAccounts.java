package org.liaison.provisioning.http;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.Credentials;

/** A fixed account directory: alice (1001) and bob (1002) of {@link #DOMAIN}, password = name + "-pw". */
public final class TestAccounts implements AccountDirectory {
    public static final String DOMAIN = "example.org";

    private final List<Account> accounts = List.of(account("alice", "Alice Martin", "1001"),
            account("bob", "Bob \"Bobby\" Durand", "1002"));

    public static String password(String user) {
        return user + "-pw";
    }

    private static Account account(String name, String display, String extension) {
        return new Account(name, display, Optional.of(extension), Set.of("staff"),
                Credentials.fromPassword(name, DOMAIN, password(name)));
    }

    @Override
    public Optional<Account> byUsername(String username) {
        return accounts.stream().filter(a -> a.username().equalsIgnoreCase(username)).findFirst();
    }

    @Override
    public Optional<Account> byExtension(String extension) {
        return accounts.stream().filter(a -> a.extension().orElse("").equals(extension)).findFirst();
    }

    @Override
    public Collection<Account> all() {
        return accounts;
    }
}
