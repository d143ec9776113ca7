package org.liaison.provisioning.directory;

import java.util.Objects;
import java.util.function.Supplier;
import org.liaison.provisioning.AccountSnapshot;

/**
 * The directory of the accounts being served now, for a running server: rebuilt the first time it
 * is asked for after a reload swapped the snapshot, shared by every request until the next one.
 */
public final class CurrentDirectory {
    private record Built(AccountSnapshot from, Directory directory) {
    }

    private final Supplier<AccountSnapshot> accounts;
    private final String domain;
    private volatile Built built;

    /**
     * @param accounts the snapshot being served, e.g. {@code WatchedAccountDirectory::current}
     * @param domain   the SIP domain of the entries' addresses
     */
    public CurrentDirectory(Supplier<AccountSnapshot> accounts, String domain) {
        this.accounts = Objects.requireNonNull(accounts, "accounts");
        this.domain = Objects.requireNonNull(domain, "domain");
    }

    public Directory get() {
        AccountSnapshot now = accounts.get();
        Built last = built;
        if (last == null || last.from() != now) { // snapshots are immutable: a new one is a reload
            last = new Built(now, Directory.of(now, domain));
            built = last;
        }
        return last.directory();
    }
}
