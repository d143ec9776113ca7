package org.liaison.provisioning;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The accounts of one valid users file. Immutable: a reload builds a new snapshot. */
public final class AccountSnapshot implements AccountDirectory {
    private final List<Account> accounts;
    private final Map<String, Account> byUsername;
    private final Map<String, Account> byExtension;
    private final Set<String> groupNames;

    /** {@code accounts} must come from a validated file: unique usernames and extensions. */
    AccountSnapshot(List<Account> accounts) {
        this.accounts = List.copyOf(accounts);
        this.byUsername = this.accounts.stream()
                .collect(Collectors.toUnmodifiableMap(Account::username, Function.identity()));
        this.byExtension = this.accounts.stream()
                .filter(a -> a.extension().isPresent())
                .collect(Collectors.toUnmodifiableMap(a -> a.extension().orElseThrow(), Function.identity()));
        SortedSet<String> groups = new TreeSet<>();
        this.accounts.forEach(a -> groups.addAll(a.groups()));
        this.groupNames = Collections.unmodifiableSortedSet(groups);
    }

    @Override
    public Optional<Account> byUsername(String username) {
        return Optional.ofNullable(byUsername.get(username.toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<Account> byExtension(String extension) {
        return Optional.ofNullable(byExtension.get(extension));
    }

    @Override
    public List<Account> all() {
        return accounts;
    }

    /** Every group some account belongs to, sorted by name. */
    public Set<String> groupNames() {
        return groupNames;
    }

    @Override
    public String toString() {
        return "AccountSnapshot[" + accounts.size() + " accounts]";
    }
}
