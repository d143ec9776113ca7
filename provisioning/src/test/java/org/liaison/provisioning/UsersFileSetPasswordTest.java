package org.liaison.provisioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileSetPasswordTest {
    private static final String REALM = UsersCsvFiles.REALM;
    private static final Credentials NEW_BOB = Credentials.fromPassword("bob", REALM, "new secret");

    @TempDir
    Path dir;

    @Test
    void onlyTheUsersPasswordCellChangesAndEveryOtherByteStays() throws Exception {
        String before = "\uFEFF# staff\r\n"
                + "username,password,display_name,extension,groups,notes\r\n"
                + "alice,clrtxt:a,\"Liddell, Alice\",1001,sales,\"two\nlines\"\r\n"
                + "\r\n"
                + "\"bob\",\"clrtxt:old,\"\"pw\"\"\",\"Bob \"\"B\"\" Smith\",1002,sales;support,x\r\n"
                + "# trailing comment without a line break";
        Path file = writeBytes(before);

        UsersFile.setPassword(file, "bob", NEW_BOB);

        String after = before.replace("\"clrtxt:old,\"\"pw\"\"\"", UsersFile.hashedForm(NEW_BOB));
        assertArrayEquals(after.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
    }

    @Test
    void newPasswordVerifiesThroughLoadAndOtherUsersKeepTheirs() throws Exception {
        Path file = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,,", "bob,clrtxt:old,,,");

        UsersFile.setPassword(file, "BOB", NEW_BOB);

        AccountSnapshot accounts = UsersFile.load(file, REALM);
        assertEquals(NEW_BOB, accounts.byUsername("bob").orElseThrow().credentials());
        assertEquals(Credentials.fromPassword("alice", REALM, "a"),
                accounts.byUsername("alice").orElseThrow().credentials());
    }

    @Test
    void hashedFormListsEachAlgorithmTheCredentialsHave() {
        String md5 = "0123456789abcdef0123456789abcdef";
        String sha256 = "ab".repeat(32);

        assertEquals("md5:" + md5, UsersFile.hashedForm(new Credentials(Map.of(DigestAlgorithm.MD5, md5))));
        assertEquals("md5:" + md5 + "+sha256:" + sha256, UsersFile.hashedForm(new Credentials(
                Map.of(DigestAlgorithm.SHA_256, sha256, DigestAlgorithm.MD5, md5))));
    }

    @Test
    void unknownUserIsAnErrorAndTheFileIsUntouched() throws Exception {
        Path file = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,,");
        byte[] before = Files.readAllBytes(file);

        UsersFileException e = assertThrows(UsersFileException.class,
                () -> UsersFile.setPassword(file, "bob", NEW_BOB));

        assertEquals(List.of("users.csv: has no user bob"), e.problems());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void brokenFileIsNotEdited() throws Exception {
        Path file = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "bob,clrtxt:old,,,", "bob,clrtxt:b,,,");
        byte[] before = Files.readAllBytes(file);

        UsersFileException e = assertThrows(UsersFileException.class,
                () -> UsersFile.setPassword(file, "bob", NEW_BOB));

        assertEquals(List.of("users.csv:3: username bob is already used on line 2"), e.problems());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void credentialsThatWouldBreakTheFileAreNotWritten() throws Exception {
        Path file = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "bob,clrtxt:old,,,");
        byte[] before = Files.readAllBytes(file);
        Credentials notHex = new Credentials(Map.of(DigestAlgorithm.MD5, "not a digest"));

        assertThrows(UsersFileException.class, () -> UsersFile.setPassword(file, "bob", notHex));

        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void replacementKeepsPermissionsAndLeavesNoTemporaryFile() throws Exception {
        Path file = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "bob,clrtxt:old,,,");
        assumeTrue(Files.getFileAttributeView(file, PosixFileAttributeView.class) != null, "POSIX file system");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        UsersFile.setPassword(file, "bob", NEW_BOB);

        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void symlinkedFileIsEditedThroughTheLinkWhichStaysALink() throws Exception {
        Path real = UsersCsvFiles.withUsers(Files.createDirectory(dir.resolve("etc")).resolve("users.csv"),
                "bob,clrtxt:old,,,");
        Path link = Files.createSymbolicLink(dir.resolve("users.csv"), real);

        UsersFile.setPassword(link, "bob", NEW_BOB);

        assertTrue(Files.isSymbolicLink(link));
        assertEquals(NEW_BOB, UsersFile.load(real, REALM).byUsername("bob").orElseThrow().credentials());
    }

    private Path writeBytes(String text) throws Exception {
        return Files.write(dir.resolve("users.csv"), text.getBytes(StandardCharsets.UTF_8));
    }
}
