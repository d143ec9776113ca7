package org.liaison.provisioning;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupsAndDisabledUsersTest {
    private static final String REALM = UsersCsvFiles.REALM;
    private static final String GROUPS_HEADER = "group,display_name,extension,visibility";

    @TempDir
    Path dir;

    @Test
    void aDisabledUserIsUnknownToLookupsButKeptForListing() throws Exception {
        Path users = write("users.csv", UsersCsvFiles.HEADER + ",disabled\n"
                + "alice,clrtxt:a,,1001,staff,no\n"
                + "bob,clrtxt:b,,1002,staff,yes\n"
                + "carol,clrtxt:c,,1003,staff\n"); // a record may stop before an optional column

        AccountSnapshot accounts = UsersFile.load(users, REALM);

        assertEquals(List.of("alice", "carol"), accounts.all().stream().map(Account::username).toList());
        assertEquals(Optional.empty(), accounts.byUsername("bob"));
        assertEquals(Optional.empty(), accounts.resolve("1002"));
        assertEquals(List.of("bob"), accounts.disabled().stream().map(Account::username).toList());
    }

    @Test
    void aDisabledUserStillHoldsItsUsernameAndExtension() throws Exception {
        Path users = write("users.csv", UsersCsvFiles.HEADER + ",disabled\n"
                + "bob,clrtxt:b,,1002,,yes\n"
                + "robert,clrtxt:b,,1002,,\n");

        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.load(users, REALM));

        assertEquals(List.of("users.csv:3: extension 1002 is already used on line 2"), e.problems());
    }

    @Test
    void aBadDisabledCellIsReportedOnItsLine() throws Exception {
        Path users = write("users.csv", UsersCsvFiles.HEADER + ",Disabled\nalice,clrtxt:a,,,,maybe\n");

        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.load(users, REALM));

        assertEquals(List.of("users.csv:2: disabled must be yes or no (or empty, meaning no)"), e.problems());
    }

    @Test
    void groupsFileNamesGroupsAndGroupsOnlyNamedInUsersTakeDefaults() throws Exception {
        Path users = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,1001,board;staff");
        Path groups = write("groups.csv", GROUPS_HEADER + "\n"
                + "board,\"Board, the\",2001,members\n"
                + "# a group nobody belongs to yet is listed all the same\n"
                + "helpdesk,Help desk,,\n");

        AccountSnapshot accounts = UsersFile.load(users, groups, REALM);

        assertEquals(List.of(
                new Group("board", "Board, the", Optional.of("2001"), Group.Visibility.MEMBERS),
                new Group("helpdesk", "Help desk", Optional.empty(), Group.Visibility.EVERYONE),
                new Group("staff", "staff", Optional.empty(), Group.Visibility.EVERYONE)),
                List.copyOf(accounts.groups()));
    }

    @Test
    void aGroupIsResolvedByItsIdOrItsExtensionAndListsItsMembers() throws Exception {
        Path users = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,1001,board;staff",
                "bob,clrtxt:b,,1002,staff");
        Path groups = write("groups.csv", GROUPS_HEADER + "\nboard,The Board,2001,members\n");

        AccountSnapshot accounts = UsersFile.load(users, groups, REALM);

        assertEquals("board", accounts.resolveGroup("Board").orElseThrow().id());
        assertEquals("board", accounts.resolveGroup("2001").orElseThrow().id());
        assertEquals("staff", accounts.resolveGroup("staff").orElseThrow().id());
        assertEquals(Optional.empty(), accounts.resolveGroup("1001")); // a user's extension names no group
        assertEquals(List.of("alice", "bob"), accounts.members("staff").stream().map(Account::username).toList());
        assertEquals(List.of("alice"), accounts.members("board").stream().map(Account::username).toList());
    }

    @Test
    void anAbsentGroupsFileDefinesNoGroups() throws Exception {
        Path users = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,1001,staff");

        AccountSnapshot accounts = UsersFile.load(users, dir.resolve("groups.csv"), REALM);

        assertEquals(Set.of("staff"), accounts.groupNames());
    }

    @Test
    void everyProblemOfTheGroupsFileIsReportedWithItsLine() throws Exception {
        Path users = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,1001,", "bob,clrtxt:b,,,");
        Path groups = write("groups.csv", GROUPS_HEADER + "\n"
                + "sales,Sales,30,\n"
                + "sales,Again,31,everyone\n"
                + "bob,Bob's group,,\n"
                + "ops,Ops,1001,\n"
                + "it,IT,30,secret\n"
                + ",nameless,,\n"
                + "x y,Spaced,7,\n");

        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.load(users, groups, REALM));

        assertEquals(List.of(
                "groups.csv:3: group sales is already used on line 2",
                "groups.csv:4: group bob is also a username or extension on users.csv line 3",
                "groups.csv:5: extension 1001 is also a username or extension on users.csv line 2",
                "groups.csv:6: extension 30 is already used on line 2",
                "groups.csv:6: visibility must be everyone or members (empty means everyone)",
                "groups.csv:7: group is required",
                "groups.csv:8: group must be " + UserPart.RULE,
                "groups.csv:8: extension must be 2 to 15 digits"), e.problems());
    }

    @Test
    void aGroupsFileWithoutItsHeaderIsRejectedWhole() throws Exception {
        Path users = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,1001,");
        Path groups = write("groups.csv", "name,display_name\nsales,Sales\n");

        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.load(users, groups, REALM));

        assertEquals(List.of("groups.csv:1: the header must start with group,display_name,extension,visibility;"
                + " column 1 is not group"), e.problems());
    }

    @Test
    void aBrokenGroupsEditKeepsBothFilesPreviousStateServingAndAFixAppliesIt() throws Exception {
        Path users = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,1001,staff");
        Path groups = dir.resolve("groups.csv");
        BlockingQueue<AccountChanges> changes = new LinkedBlockingQueue<>();
        try (LogCapture log = new LogCapture(WatchedAccountDirectory.class);
                WatchedAccountDirectory directory = WatchedAccountDirectory.open(users, groups, REALM,
                        Duration.ofHours(1), changes::add)) {
            UsersCsvFiles.replace(groups, GROUPS_HEADER + "\nstaff,All staff,1001,\n");
            UsersCsvFiles.withUsers(users, "alice,clrtxt:a,,1001,staff", "bob,clrtxt:b,,1002,staff");

            assertFalse(directory.reloadNow());
            assertEquals(Optional.empty(), directory.byUsername("bob"), "half of a broken pair was applied");
            assertTrue(log.warnings().stream().anyMatch(m -> m.contains("groups.csv:2: extension 1001")),
                    log.warnings().toString());

            UsersCsvFiles.replace(groups, GROUPS_HEADER + "\nstaff,All staff,2000,\n");

            assertTrue(directory.reloadNow());
            assertEquals(Set.of("bob"), changes.remove().added());
            assertEquals("All staff", directory.current().group("staff").orElseThrow().displayName());
        }
    }

    @Test
    void pollingPicksUpAGroupsFileCreatedLater() throws Exception {
        Path users = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,1001,staff");
        Path groups = dir.resolve("groups.csv");
        try (WatchedAccountDirectory directory = WatchedAccountDirectory.open(users, groups, REALM,
                Duration.ofMillis(50), changes -> { })) {
            UsersCsvFiles.replace(groups, GROUPS_HEADER + "\nstaff,All staff,,\n");

            await("groups.csv is applied").atMost(Duration.ofSeconds(5)).until(() -> directory.current().group("staff").orElseThrow().displayName().equals("All staff"));
        }
    }

    @Test
    void theShippedUsersAndGroupsFilesLoadTogether() throws Exception {
        Path conf = Path.of("..", "conf"); // tests run in the module directory

        AccountSnapshot accounts = UsersFile.load(conf.resolve("users.csv"), conf.resolve("groups.csv"), REALM);

        assertEquals("All staff", accounts.group("staff").orElseThrow().displayName());
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }
}
