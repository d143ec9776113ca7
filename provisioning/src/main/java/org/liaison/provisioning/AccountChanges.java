package org.liaison.provisioning;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a reload changed, by username, so the server can drop the registrations of removed users
 * and challenge again those whose password changed. A user whose other cells changed appears in
 * no set.
 */
public record AccountChanges(Set<String> added, Set<String> removed, Set<String> passwordChanged) {
    public AccountChanges {
        added = Set.copyOf(added);
        removed = Set.copyOf(removed);
        passwordChanged = Set.copyOf(passwordChanged);
    }

    static AccountChanges between(AccountSnapshot before, AccountSnapshot after) {
        return new AccountChanges(
                usernamesOnlyIn(after, before),
                usernamesOnlyIn(before, after),
                after.all().stream()
                        .filter(now -> before.byUsername(now.username())
                                .filter(was -> !was.credentials().equals(now.credentials()))
                                .isPresent())
                        .map(Account::username)
                        .collect(Collectors.toSet()));
    }

    private static Set<String> usernamesOnlyIn(AccountSnapshot snapshot, AccountSnapshot other) {
        return snapshot.all().stream()
                .map(Account::username)
                .filter(name -> other.byUsername(name).isEmpty())
                .collect(Collectors.toSet());
    }
}
