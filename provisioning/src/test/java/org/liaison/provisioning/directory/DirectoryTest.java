package org.liaison.provisioning.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.UsersFile;

class DirectoryTest {
    @TempDir
    Path dir;

    @Test
    void peopleAndGroupsAreListedByNameWithExtensionAndSipAddress() throws Exception {
        Directory directory = Staff.directory(dir,
                "bob,clrtxt:b,Bob Martin,1002,sales",
                "alice,clrtxt:a,alice Smith,1001,",
                "carol,clrtxt:c,,,");

        assertEquals(List.of(
                new DirectoryEntry(DirectoryEntry.Kind.PERSON, "alice", "alice Smith", Optional.of("1001"),
                        "sip:alice@example.org"),
                new DirectoryEntry(DirectoryEntry.Kind.PERSON, "bob", "Bob Martin", Optional.of("1002"),
                        "sip:bob@example.org"),
                new DirectoryEntry(DirectoryEntry.Kind.PERSON, "carol", "carol", Optional.empty(),
                        "sip:carol@example.org"),
                new DirectoryEntry(DirectoryEntry.Kind.GROUP, "sales", "sales", Optional.empty(),
                        "sip:sales@example.org")),
                directory.entries());
    }

    @Test
    void searchMatchesNameUsernameOrExtensionIgnoringCaseAndAccents() throws Exception {
        Directory directory = Staff.directory(dir,
                "helene,clrtxt:h,Hélène Dupré,1003,",
                "bob,clrtxt:b,Bob Martin,2001,",
                "jdoe,clrtxt:j,John Doe,,");

        assertEquals(List.of("helene"), ids(directory.search("DUPRE")));
        assertEquals(List.of("helene"), ids(directory.search("hélè")));
        assertEquals(List.of("bob"), ids(directory.search("200")));
        assertEquals(List.of("jdoe"), ids(directory.search("JDO")));
        assertEquals(List.of("bob", "helene", "jdoe"), ids(directory.search("  ")));
        assertEquals(List.of(), ids(directory.search("nobody")));
    }

    @Test
    void everyoneSeesTheWholeOrganisationByDefault() throws Exception {
        Directory directory = Staff.directory(dir, "alice,clrtxt:a,,,sales", "bob,clrtxt:b,,,support");

        assertEquals(List.of("alice", "bob", "sales", "support"), ids(directory.visibleTo("bob")));
        assertEquals(List.of("alice", "bob", "sales", "support"), ids(directory.visibleTo("stranger")));
    }

    @Test
    void aMembersOnlyGroupAndThePeopleOnlyInItAreSeenByItsMembersAlone() throws Exception {
        Directory directory = Staff.directory(dir, List.of(
                "ceo,clrtxt:c,,,board",
                "cfo,clrtxt:f,,,board;staff",
                "bob,clrtxt:b,,,staff",
                "dave,clrtxt:d,,,",
                "secretary,clrtxt:e,,,board"),
                List.of("board,The Board,,members"));

        assertEquals(List.of("bob", "ceo", "cfo", "dave", "secretary", "staff", "board"), ids(directory.visibleTo("cfo")));
        assertEquals(List.of("bob", "cfo", "dave", "staff"), ids(directory.visibleTo("bob")));
        assertEquals(List.of("bob", "cfo", "dave", "staff"), ids(directory.visibleTo("nobody")));
        assertEquals(7, directory.entries().size(), "the admin's view lists everything");
    }

    @Test
    void disabledUsersAreNotListed() throws Exception {
        Path users = dir.resolve("users.csv");
        Files.writeString(users, Staff.HEADER + ",disabled\nalice,clrtxt:a,,,,\nbob,clrtxt:b,,,,yes\n");

        Directory directory = Directory.of(UsersFile.load(users, Staff.DOMAIN), Staff.DOMAIN);

        assertEquals(List.of("alice"), ids(directory));
    }

    private static List<String> ids(Directory directory) {
        return directory.entries().stream().map(DirectoryEntry::id).toList();
    }
}
