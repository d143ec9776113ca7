package org.liaison.provisioning.directory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        return Directory.of(UsersFile.load(accounts(dir, rows), DOMAIN), DOMAIN);
    }

    /** A directory of users.csv holding {@code users} and groups.csv holding {@code groups}, each under its header. */
    static Directory directory(Path dir, List<String> users, List<String> groups) throws IOException, UsersFileException {
        Path groupsFile = dir.resolve("groups.csv");
        Files.writeString(groupsFile, "group,display_name,extension,visibility\n" + String.join("\n", groups) + "\n",
                StandardCharsets.UTF_8);
        return Directory.of(UsersFile.load(accounts(dir, users.toArray(String[]::new)), groupsFile, DOMAIN), DOMAIN);
    }

    private static Path accounts(Path dir, String... rows) throws IOException {
        Path users = dir.resolve("users.csv");
        return Files.writeString(users, HEADER + "\n" + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
    }
}
