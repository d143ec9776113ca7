package org.liaison.provisioning.directory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.Group;
import org.liaison.provisioning.TextFold;

/**
 * The organisation's directory: every enabled person and every group of one accounts snapshot,
 * sorted by name. Immutable; build a new one from each new snapshot. Who sees what follows
 * {@link Group.Visibility}: by default everyone sees everyone.
 */
public final class Directory {
    private static final Comparator<Listed> BY_NAME = Comparator
            .comparing(Listed::foldedName)
            .thenComparing(l -> l.entry().id());

    /**
     * An entry and who may see it.
     *
     * @param circles    the groups whose members see it; empty when everyone does
     * @param foldedName the name as sorting and search compare it
     */
    private record Listed(DirectoryEntry entry, Set<String> circles, String foldedName) {
        Listed(DirectoryEntry entry, Set<String> circles) {
            this(entry, circles, TextFold.fold(entry.name()));
        }

        boolean visibleTo(String viewer, Set<String> viewerGroups) {
            return circles.isEmpty() || entry.id().equals(viewer) || circles.stream().anyMatch(viewerGroups::contains);
        }
    }

    private final List<Listed> listed;
    private final Map<String, Set<String>> groupsByUser;

    private Directory(List<Listed> listed, Map<String, Set<String>> groupsByUser) {
        this.listed = List.copyOf(listed);
        this.groupsByUser = groupsByUser;
    }

    /** The directory of {@code accounts}, with SIP addresses in {@code domain}. */
    public static Directory of(AccountSnapshot accounts, String domain) {
        List<Listed> listed = new ArrayList<>();
        Map<String, Set<String>> groupsByUser = new HashMap<>();
        for (Account account : accounts.all()) {
            groupsByUser.put(account.username(), account.groups());
            String name = account.displayName().isBlank() ? account.username() : account.displayName();
            listed.add(new Listed(new DirectoryEntry(DirectoryEntry.Kind.PERSON, account.username(), name,
                    account.extension(), sipAddress(account.username(), domain)), circlesOf(account, accounts)));
        }
        for (Group group : accounts.groups()) {
            Set<String> circles = group.visibility() == Group.Visibility.MEMBERS ? Set.of(group.id()) : Set.of();
            listed.add(new Listed(new DirectoryEntry(DirectoryEntry.Kind.GROUP, group.id(), group.displayName(),
                    group.extension(), sipAddress(group.id(), domain)), circles));
        }
        listed.sort(BY_NAME);
        return new Directory(listed, Map.copyOf(groupsByUser));
    }

    /** Every entry, sorted by name, whoever may see it: for the admin. */
    public List<DirectoryEntry> entries() {
        return listed.stream().map(Listed::entry).toList();
    }

    /** The entries {@code username} may see; an unknown or disabled user sees only what everyone sees. */
    public Directory visibleTo(String username) {
        String viewer = username.toLowerCase(Locale.ROOT);
        Set<String> viewerGroups = groupsByUser.getOrDefault(viewer, Set.of());
        return new Directory(listed.stream().filter(l -> l.visibleTo(viewer, viewerGroups)).toList(), groupsByUser);
    }

    /**
     * The entries whose name, id or extension contains {@code query}, ignoring case and accents
     * ("helene" finds "Hélène"). A blank query matches everything.
     */
    public Directory search(String query) {
        String wanted = TextFold.fold(query.strip());
        return new Directory(listed.stream().filter(l -> matches(l, wanted)).toList(), groupsByUser);
    }

    private static boolean matches(Listed listed, String folded) {
        DirectoryEntry entry = listed.entry();
        return listed.foldedName().contains(folded) || entry.id().contains(folded)
                || entry.extension().filter(e -> e.contains(folded)).isPresent();
    }

    /** A person whose groups are all members-only is seen by those groups' members only. */
    private static Set<String> circlesOf(Account account, AccountSnapshot accounts) {
        List<Group> groups = account.groups().stream().flatMap(id -> accounts.group(id).stream()).toList();
        boolean listedToEveryone = groups.isEmpty()
                || groups.stream().anyMatch(g -> g.visibility() == Group.Visibility.EVERYONE);
        return listedToEveryone ? Set.of() : Set.copyOf(account.groups());
    }

    private static String sipAddress(String userPart, String domain) {
        return "sip:" + userPart + "@" + domain;
    }
}
