package org.liaison.provisioning.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.UsersFile;

class UsersCommandTest {
    private static final String REALM = "example.org";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void addPrintsTheOnlyCopyOfAGeneratedPasswordAndStoresItHashed() throws Exception {
        Path users = Files.writeString(dir.resolve("users.csv"), HrCsv.EXISTING_USERS);

        assertEquals(0, run(users, "add", "Carol", "--name", "Carol, Smith", "--extension", "1003", "--groups", "sales,support"));

        String password = output().substring(output().lastIndexOf(' ') + 1).strip();
        assertTrue(password.matches("[" + GeneratedPasswords.ALPHABET + "]{20}"), output());
        Account carol = UsersFile.load(users, REALM).byUsername("carol").orElseThrow();
        assertEquals(new Account("carol", "Carol, Smith", Optional.of("1003"), Set.of("sales", "support"),
                Credentials.fromPassword("carol", REALM, password)), carol);
        assertTrue(!Files.readString(users).contains(password));
    }

    @Test
    void addRefusesATakenExtensionAndABadUsername() throws Exception {
        Path users = Files.writeString(dir.resolve("users.csv"), HrCsv.EXISTING_USERS);

        assertEquals(2, run(users, "add", "carol", "--extension", "1001"));
        assertEquals(2, run(users, "add", "carol smith"));

        assertEquals(HrCsv.EXISTING_USERS, Files.readString(users));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("users.csv:4: extension 1001 is already used on line 2"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listShowsDisabledUsersMarkedAndNoSecrets() throws Exception {
        Path users = Files.writeString(dir.resolve("users.csv"), HrCsv.EXISTING_USERS);
        assertEquals(0, run(users, "disable", "bob"));
        out.reset();

        assertEquals(0, run(users, "list", "--format", "csv"));

        assertEquals("username,display_name,extension,groups,disabled\n"
                + "alice,Alice Example,1001,sales-marketing,no\n"
                + "bob,Bob Example,1002,,yes\n", output());
        out.reset();

        assertEquals(0, run(users, "list"));

        assertEquals("username  display_name   extension  groups           disabled\n"
                + "alice     Alice Example  1001       sales-marketing  no\n"
                + "bob       Bob Example    1002                        yes\n", output());
    }

    @Test
    void enableAndRemoveEditTheFile() throws Exception {
        Path users = Files.writeString(dir.resolve("users.csv"), HrCsv.EXISTING_USERS);

        assertEquals(0, run(users, "disable", "bob"));
        assertEquals(Optional.empty(), UsersFile.load(users, REALM).byUsername("bob"));
        assertEquals(0, run(users, "enable", "bob"));
        assertTrue(UsersFile.load(users, REALM).byUsername("bob").isPresent());
        assertEquals(0, run(users, "remove", "alice"));

        assertEquals(List.of("bob"), UsersFile.load(users, REALM).all().stream().map(Account::username).toList());
        assertEquals(2, run(users, "remove", "alice"));
    }

    @Test
    void badCommandLinesGetTheUsage() throws Exception {
        Path users = Files.writeString(dir.resolve("users.csv"), HrCsv.EXISTING_USERS);

        assertEquals(2, run(users, "add"));
        assertEquals(2, run(users, "list", "extra"));
        assertEquals(2, run(users, "frobnicate", "x"));
        assertEquals(2, run(users, "list", "--format", "xml"));

        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("usage: liaison users add USER"));
    }

    private int run(Path users, String... args) {
        return new UsersCommand(users, dir.resolve("groups.csv"), REALM,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new GeneratedPasswords(new SecureRandom())).run(List.of(args));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
