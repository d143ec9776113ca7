package org.liaison.provisioning.directory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.UsersFile;
import org.liaison.provisioning.UsersFileException;

/** Directories built the way the server builds them: from files in a configuration directory. */
final class Staff {
    static final String DOMAIN = "example.org";
    static final String HEADER = "username,password,display_name,extension,groups";

    private Staff() {
    }

    /** A directory of users.csv holding {@code rows} under the header. */
    static Directory directory(Path dir, String... rows) throws IOException, UsersFileException {
        return Directory.of(accounts(dir, rows), DOMAIN);
    }

    static AccountSnapshot accounts(Path dir, String... rows) throws IOException, UsersFileException {
        Path users = dir.resolve("users.csv");
        Files.writeString(users, HEADER + "\n" + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
        return UsersFile.load(users, DOMAIN);
    }
}
