package org.liaison.provisioning;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The accounts of one valid users file. Immutable: a reload builds a new snapshot. */
public final class AccountSnapshot implements AccountDirectory {
    private final List<Account> accounts;
    private final Map<String, Account> byUsername;
    private final Map<String, Account> byExtension;
    private final Set<String> groupNames;
    private final Map<String, Group> groups;
    private final Map<String, Group> groupsByExtension;

    private final List<Account> disabled;

    /**
     * The arguments must come from validated files: unique usernames and extensions.
     *
     * @param accounts the enabled users, the only ones lookups find
     * @param disabled the users the admin disabled: kept for listing, unknown to SIP and the directory
     * @param defined  the groups of groups.csv; groups only named in the accounts take
     *                 {@link Group#named defaults}
     */
    AccountSnapshot(List<Account> accounts, List<Account> disabled, List<Group> defined) {
        this.accounts = List.copyOf(accounts);
        this.disabled = List.copyOf(disabled);
        this.byUsername = this.accounts.stream()
                .collect(Collectors.toUnmodifiableMap(Account::username, Function.identity()));
        this.byExtension = this.accounts.stream()
                .filter(a -> a.extension().isPresent())
                .collect(Collectors.toUnmodifiableMap(a -> a.extension().orElseThrow(), Function.identity()));
        SortedSet<String> groups = new TreeSet<>();
        this.accounts.forEach(a -> groups.addAll(a.groups()));
        defined.forEach(g -> groups.add(g.id()));
        this.groupNames = Collections.unmodifiableSortedSet(groups);
        Map<String, Group> byId = new TreeMap<>();
        groupNames.forEach(name -> byId.put(name, Group.named(name)));
        defined.forEach(g -> byId.put(g.id(), g));
        this.groups = Collections.unmodifiableMap(byId);
        this.groupsByExtension = defined.stream()
                .filter(g -> g.extension().isPresent())
                .collect(Collectors.toUnmodifiableMap(g -> g.extension().orElseThrow(), Function.identity()));
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

    /** The disabled users, in file order: for the admin's listing only. */
    public List<Account> disabled() {
        return disabled;
    }

    /** Every group some account belongs to or groups.csv defines, sorted by name. */
    public Set<String> groupNames() {
        return groupNames;
    }

    /** Every group, sorted by id. */
    public Collection<Group> groups() {
        return groups.values();
    }

    /** The group {@code id}, defined or only named. */
    public Optional<Group> group(String id) {
        return Optional.ofNullable(groups.get(id.toLowerCase(Locale.ROOT)));
    }

    @Override
    public Optional<Group> resolveGroup(String userPart) {
        Optional<Group> byId = group(userPart);
        return byId.isPresent() ? byId : Optional.ofNullable(groupsByExtension.get(userPart));
    }

    @Override
    public String toString() {
        return "AccountSnapshot[" + accounts.size() + " accounts, " + disabled.size() + " disabled, " + groups.size() + " groups]";
    }
}
