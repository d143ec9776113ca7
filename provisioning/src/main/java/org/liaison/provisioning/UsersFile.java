package org.liaison.provisioning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * users.csv, the admin's list of staff: one user per line under the header
 * {@code username,password,display_name,extension,groups} (further columns are ignored).
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
        return snapshotOf(file, read(file), realm);
    }

    static AccountSnapshot snapshotOf(Path file, byte[] content, String realm) throws UsersFileException {
        Objects.requireNonNull(realm, "realm");
        return new AccountSnapshot(UsersDocument.parse(nameOf(file), content).users().stream()
                .map(user -> user.toAccount(realm))
                .toList());
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

    private static String nameOf(Path file) {
        return String.valueOf(file.getFileName());
    }
}
