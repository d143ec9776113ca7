package org.liaison.provisioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileEditTest {
    private static final String REALM = UsersCsvFiles.REALM;
    /** Comments, quoting, CRLF, a BOM and an extra column: what a careful edit must keep. */
    private static final String FILE = "\uFEFF# staff\r\n"
            + "username,password,display_name,extension,groups,notes\r\n"
            + "alice,clrtxt:a,\"Liddell, Alice\",1001,sales,\"two\nlines\"\r\n"
            + "\r\n"
            + "bob,clrtxt:b,Bob,1002,sales\r\n"
            + "# trailing comment";

    @TempDir
    Path dir;

    @Test
    void addAppendsHashedUsersInTheFilesLineEndingAndKeepsEveryOtherByte() throws Exception {
        Path file = write(FILE);
        Credentials secret = Credentials.fromPassword("carol", REALM, "s3cret");

        UsersFile.add(file, List.of(new Account("carol", "Carol \"CC\", Jr", Optional.of("1003"),
                Set.of("support", "sales"), secret)));

        assertEquals(FILE + "\r\ncarol," + UsersFile.hashedForm(secret) + ",\"Carol \"\"CC\"\", Jr\",1003,sales;support\r\n",
                Files.readString(file));
        Account carol = UsersFile.load(file, REALM).byUsername("carol").orElseThrow();
        assertEquals("Carol \"CC\", Jr", carol.displayName());
        assertEquals(secret, carol.credentials());
    }

    @Test
    void addingATakenExtensionChangesNothing() throws Exception {
        Path file = write(FILE);

        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.add(file, List.of(
                new Account("carol", "", Optional.of("1002"), Set.of(), Credentials.fromPassword("carol", REALM, "x")))));

        assertEquals(List.of("users.csv:8: extension 1002 is already used on line 6"), e.problems());
        assertArrayEquals(FILE.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
    }

    @Test
    void removeTakesOutTheUsersLinesOnly() throws Exception {
        Path file = write(FILE);

        UsersFile.remove(file, "ALICE");

        assertEquals(FILE.replace("alice,clrtxt:a,\"Liddell, Alice\",1001,sales,\"two\nlines\"\r\n", ""),
                Files.readString(file));
    }

    @Test
    void disableAddsTheColumnWhenMissingAndEnableClearsIt() throws Exception {
        Path file = write(FILE);

        UsersFile.setDisabled(file, "bob", true);

        String disabled = FILE.replace("groups,notes\r\n", "groups,notes,disabled\r\n")
                .replace("bob,clrtxt:b,Bob,1002,sales\r\n", "bob,clrtxt:b,Bob,1002,sales,,yes\r\n");
        assertEquals(disabled, Files.readString(file));
        assertEquals(Optional.empty(), UsersFile.load(file, REALM).byUsername("bob"));

        UsersFile.setDisabled(file, "bob", false);

        assertEquals(disabled.replace(",,yes\r\n", ",,no\r\n"), Files.readString(file));
        assertEquals("bob", UsersFile.load(file, REALM).byUsername("bob").orElseThrow().username());
    }

    @Test
    void enablingAUserOfAFileWithoutTheColumnChangesNothing() throws Exception {
        Path file = write(FILE);

        UsersFile.setDisabled(file, "alice", false);

        assertEquals(FILE, Files.readString(file));
    }

    @Test
    void editsOfAnUnknownUserAreErrors() throws Exception {
        Path file = write(FILE);

        assertEquals(List.of("users.csv: has no user carol"),
                assertThrows(UsersFileException.class, () -> UsersFile.remove(file, "carol")).problems());
        assertEquals(List.of("users.csv: has no user carol"),
                assertThrows(UsersFileException.class, () -> UsersFile.setDisabled(file, "Carol", true)).problems());
        assertEquals(FILE, Files.readString(file));
    }

    private Path write(String text) throws Exception {
        return Files.writeString(dir.resolve("users.csv"), text, StandardCharsets.UTF_8);
    }
}
