package org.liaison.provisioning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import java.util.Locale;
import java.util.Objects;

/**
 * users.csv, the admin's list of staff: one user per line under the header
 * {@code username,password,display_name,extension,groups}, optionally a {@code disabled} column
 * ({@code yes}: the user stays in the file but cannot register or call; further columns are ignored).
 * UTF-8, RFC 4180 quoting, blank lines and lines starting with {@code #} ignored. See
 * {@link PasswordColumn} for the password column's grammar.
 */
public final class UsersFile {
    private UsersFile() {
    }

    /**
     * Reads and checks {@code file}. All or nothing: any problem fails the load, reporting every
     * problem found with its line.
     *
     * @param realm the SIP domain, which clear passwords are hashed with
     */
    public static AccountSnapshot load(Path file, String realm) throws UsersFileException {
        return snapshotOf(file, read(file), null, Optional.empty(), realm);
    }

    /**
     * Reads and checks users.csv and groups.csv together (see {@link GroupsCsv}); an absent
     * groups file defines no groups. All or nothing, over both files.
     */
    public static AccountSnapshot load(Path file, Path groupsFile, String realm) throws UsersFileException {
        return snapshotOf(file, read(file), groupsFile, readIfPresent(groupsFile), realm);
    }

    /**
     * Stores {@code credentials} as {@code username}'s hashed password. Only that cell changes;
     * every other byte of the file, comments and quoting included, stays. The file is replaced
     * atomically and keeps its owner and permissions. The file must be valid before the edit.
     */
    public static void setPassword(Path file, String username, Credentials credentials)
            throws UsersFileException, IOException {
        edit(file, document -> {
            UserRow user = existing(file, document, username);
            return UsersEdits.setCell(document.text(), document.record(user), UsersCsv.Column.PASSWORD.ordinal(),
                    hashedForm(credentials));
        });
    }

    /**
     * Appends {@code accounts} as new users, their passwords in hashed form. All or nothing:
     * when any of them would make the file invalid (a username or extension already taken), the
     * file is not touched and the exception says why.
     */
    public static void add(Path file, List<Account> accounts) throws UsersFileException, IOException {
        edit(file, document -> UsersEdits.append(document.text(), accounts));
    }

    /**
     * {@link #add(Path, List)}, also checking the result against {@code groupsFile} (which may
     * not exist), so that a new username never takes a group's name and breaks the next reload.
     */
    public static void add(Path file, Path groupsFile, List<Account> accounts) throws UsersFileException, IOException {
        Optional<byte[]> groups = readIfPresent(groupsFile);
        edit(file, document -> {
            byte[] updated = UsersEdits.append(document.text(), accounts);
            if (groups.isPresent()) {
                GroupsCsv.parse(nameOf(groupsFile), groups.get(), UsersDocument.parse(nameOf(file), updated));
            }
            return updated;
        });
    }

    /** Removes {@code username}'s line; the server ends its registrations when it reloads. */
    public static void remove(Path file, String username) throws UsersFileException, IOException {
        edit(file, document -> UsersEdits.remove(document.text(), document.record(existing(file, document, username))));
    }

    /**
     * Marks {@code username} disabled (or enabled again) in the {@code disabled} column, adding
     * the column to the header when the file has none: a disabled user cannot register or call,
     * and is told apart from an unknown user by nobody outside.
     */
    public static void setDisabled(Path file, String username, boolean disabled)
            throws UsersFileException, IOException {
        edit(file, document -> {
            UserRow user = existing(file, document, username);
            OptionalInt column = document.table().column(UsersCsv.DISABLED);
            if (column.isPresent()) {
                return UsersEdits.setCell(document.text(), document.record(user), column.getAsInt(),
                        disabled ? "yes" : "no");
            }
            if (!disabled) {
                return null; // no column: already enabled
            }
            int newColumn = document.table().header().cells().size();
            byte[] withCell = UsersEdits.setCell(document.text(), document.record(user), newColumn, "yes");
            UsersDocument marked = UsersDocument.parse(nameOf(file), withCell); // a cell beyond the header is ignored
            return UsersEdits.setCell(marked.text(), marked.table().header(), newColumn, UsersCsv.DISABLED);
        });
    }

    /** One edit of a valid file: the new content, or null for "nothing to change". */
    private interface Edit {
        byte[] apply(UsersDocument document) throws UsersFileException;
    }

    private static void edit(Path file, Edit edit) throws UsersFileException, IOException {
        Path target = file.toRealPath(); // an admin's symlink stays a symlink
        byte[] updated = edit.apply(UsersDocument.parse(nameOf(file), Files.readAllBytes(target)));
        if (updated == null) {
            return;
        }
        UsersDocument.parse(nameOf(file), updated); // never write a file that load would reject
        AtomicReplace.write(target, updated);
    }

    private static UserRow existing(Path file, UsersDocument document, String username) throws UsersFileException {
        return document.user(username).orElseThrow(() -> new Problems(nameOf(file))
                .fatalForFile("has no user " + username.toLowerCase(Locale.ROOT), null));
    }

    /** The password column's text for {@code credentials}: {@code md5:<hex>+sha256:<hex>}, for the HA1s it has. */
    public static String hashedForm(Credentials credentials) {
        return PasswordColumn.hashedForm(credentials);
    }

    /**
     * Parses content already read, so a poller can hash exactly the bytes it parses.
     *
     * @param groups groups.csv's content; empty when there is no groups file
     */
    static AccountSnapshot snapshotOf(Path file, byte[] content, Path groupsFile, Optional<byte[]> groups,
            String realm) throws UsersFileException {
        Objects.requireNonNull(realm, "realm");
        UsersDocument document = UsersDocument.parse(nameOf(file), content);
        List<Group> defined = groups.isEmpty()
                ? List.of()
                : GroupsCsv.parse(nameOf(groupsFile), groups.get(), document);
        Map<Boolean, List<Account>> byDisabled = document.users().stream()
                .collect(Collectors.partitioningBy(UserRow::disabled,
                        Collectors.mapping(user -> user.toAccount(realm), Collectors.toList())));
        return new AccountSnapshot(byDisabled.get(false), byDisabled.get(true), defined);
    }

    /** A file that cannot be read, reported like any other problem with it. */
    static UsersFileException unreadable(Path file, IOException e) {
        return new Problems(nameOf(file)).fatalForFile("cannot be read (" + e + ")", e);
    }

    private static byte[] read(Path file) throws UsersFileException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** The file's bytes, or empty when it does not exist: for optional files. */
    static Optional<byte[]> readIfPresent(Path file) throws UsersFileException {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    private static String nameOf(Path file) {
        return String.valueOf(file.getFileName());
    }
}
