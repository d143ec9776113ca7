package org.liaison.provisioning.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.UsersFile;
import org.liaison.provisioning.WatchedAccountDirectory;

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

    @Test
    void theCurrentDirectoryIsRebuiltOnlyWhenTheSnapshotChanges() throws Exception {
        Path users = dir.resolve("users.csv");
        Files.writeString(users, Staff.HEADER + "\nalice,clrtxt:a,,,\n");
        try (WatchedAccountDirectory accounts = WatchedAccountDirectory.open(users, Staff.DOMAIN, Duration.ofHours(1),
                changes -> { })) {
            CurrentDirectory current = new CurrentDirectory(accounts::current, Staff.DOMAIN);
            Directory first = current.get();
            assertSame(first, current.get());

            Files.writeString(users, Staff.HEADER + "\nalice,clrtxt:a,,,\nbob,clrtxt:b,,,\n");
            assertTrue(accounts.reloadNow());

            assertEquals(List.of("alice", "bob"), ids(current.get()));
        }
    }

    @Test
    void aThousandPeopleBuildAndSearchQuickly() throws Exception {
        String[] rows = new String[1000];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = "user" + i + ",clrtxt:x,Zoë Person " + i + "," + (3000 + i) + ",team" + (i % 20);
        }
        AccountSnapshot accounts = UsersFile.load(writeUsers(rows), Staff.DOMAIN);

        long start = System.nanoTime();
        Directory directory = Directory.of(accounts, Staff.DOMAIN);
        List<DirectoryEntry> found = directory.visibleTo("user1").search("zoe person 99").entries();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(List.of("user99", "user990", "user991", "user992", "user993", "user994", "user995", "user996",
                "user997", "user998", "user999"), found.stream().map(DirectoryEntry::id).toList());
        assertTrue(took.compareTo(Duration.ofSeconds(1)) < 0, "took " + took);
    }

    private Path writeUsers(String... rows) throws Exception {
        return Files.writeString(dir.resolve("users.csv"), Staff.HEADER + "\n" + String.join("\n", rows) + "\n");
    }

    private static List<String> ids(Directory directory) {
        return directory.entries().stream().map(DirectoryEntry::id).toList();
    }
}
