package org.liaison.provisioning.admin;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.UsersFile;
import org.liaison.provisioning.WatchedAccountDirectory;

class UsersImportTest {
    private static final String REALM = "example.org";

    @TempDir
    Path dir;
    private Path users;
    private Path groups;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void existingUsers() throws Exception {
        users = Files.writeString(dir.resolve("users.csv"), HrCsv.EXISTING_USERS);
        groups = dir.resolve("groups.csv");
    }

    @Test
    void anExportWithBadLinesIsRejectedWholeWithExactCountsAndLines() throws Exception {
        Path export = Files.writeString(dir.resolve("hr.csv"), HrCsv.generate(true));
        byte[] before = Files.readAllBytes(users);

        int status = run("import", export.toString());

        assertEquals(1, status, output());
        List<String> lines = output().lines().toList();
        assertEquals("import of " + export + ": 958 new, 1 unchanged, 1 conflicts, 40 errors", lines.get(0));
        assertEquals(40, lines.stream().filter(l -> l.startsWith("error: ")).count());
        assertTrue(lines.contains("error: line 9: extension \"12a\" is not 2 to 15 digits"), output());
        assertTrue(lines.contains("error: line 52: username user49 is already on line 51"), output());
        assertTrue(lines.contains("error: line 92: no username, and no e-mail address to derive one from"), output());
        assertTrue(lines.contains("error: line 97: extension 3094 is already on line 96"), output());
        assertTrue(lines.contains("conflict: line 3: bob exists with another display name; not changed"),
                output());
        assertEquals("nothing written: fix the errors above, or import the other lines with --skip-bad",
                lines.get(lines.size() - 1));
        assertArrayEquals(before, Files.readAllBytes(users));
        assertFalse(Files.exists(dir.resolve("hr-credentials.csv")));
    }

    @Test
    void aCleanExportCreatesEveryNewUserWithAStrongHashedPasswordAndTheServerPicksThemUp() throws Exception {
        Path export = Files.writeString(dir.resolve("hr.csv"), HrCsv.generate(false));
        try (WatchedAccountDirectory running = WatchedAccountDirectory.open(users, groups, REALM,
                Duration.ofMillis(50), changes -> { })) {

            int status = run("import", export.toString());

            assertEquals(0, status, output() + err);
            assertTrue(output().startsWith("import of " + export + ": 998 new, 1 unchanged, 1 conflicts, 0 errors"),
                    output());
            await("the running server has every user").atMost(Duration.ofSeconds(5)).until(() -> running.all().size() == HrCsv.ROWS);
        }
        AccountSnapshot loaded = UsersFile.load(users, REALM);
        Account derived = loaded.byUsername(HrCsv.usernameOf(3)).orElseThrow();
        assertEquals("Zoë Person, 3", derived.displayName());
        assertEquals(Optional.of("3003"), derived.extension());
        assertEquals(Set.of("sales-marketing"), derived.groups());
        assertEquals(Set.of("direction-generale"), loaded.byUsername("user5").orElseThrow().groups());
        assertEquals("Bob Example", loaded.byUsername("bob").orElseThrow().displayName(), "a conflict overwrote bob");
        assertFalse(Files.readString(users).contains("clrtxt:"
                + HrCsv.usernameOf(3)), "new passwords are stored hashed");

        Path credentials = dir.resolve("hr-credentials.csv");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        List<CSVRecord> issued = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(Files.newBufferedReader(credentials)).getRecords();
        assertEquals(998, issued.size());
        Set<String> distinct = new HashSet<>();
        for (CSVRecord user : issued) {
            String password = user.get("password");
            assertTrue(password.matches("[" + GeneratedPasswords.ALPHABET + "]{20}"), password);
            assertEquals(Credentials.fromPassword(user.get("username"), REALM, password),
                    loaded.byUsername(user.get("username")).orElseThrow().credentials());
            distinct.add(password);
        }
        assertEquals(998, distinct.size());
    }

    @Test
    void skipBadImportsTheGoodLinesAndStillFails() throws Exception {
        Path export = Files.writeString(dir.resolve("hr.csv"), HrCsv.generate(true));

        int status = run("import", export.toString(), "--skip-bad");

        assertEquals(1, status);
        assertEquals(2 + 958, UsersFile.load(users, REALM).all().size());
        // the first of a repeated login is imported, the repeat is not
        assertEquals("Zoë Person, 49", UsersFile.load(users, REALM).byUsername("user49").orElseThrow().displayName());
    }

    @Test
    void aDryRunWritesNothing() throws Exception {
        Path export = Files.writeString(dir.resolve("hr.csv"), HrCsv.generate(false));
        byte[] before = Files.readAllBytes(users);

        assertEquals(0, run("import", export.toString(), "--dry-run"));

        assertTrue(output().endsWith("dry run: nothing written\n"), output());
        assertArrayEquals(before, Files.readAllBytes(users));
        assertFalse(Files.exists(dir.resolve("hr-credentials.csv")));
    }

    @Test
    void columnsNamedByTheAdminWinAndSemicolonExportsWithAByteOrderMarkRead() throws Exception {
        Path export = Files.writeString(dir.resolve("staff.csv"),
                "\uFEFFStaff ID;Full name;Phone;Team\ncarol;Carol Smith;2001;Support\n", StandardCharsets.UTF_8);

        int status = run("import", export.toString(), "--username-column", "staff id", "--name-column", "FULL NAME",
                "--extension-column", "Phone", "--groups-column", "team");

        assertEquals(0, status, output() + err);
        Account carol = UsersFile.load(users, REALM).byUsername("carol").orElseThrow();
        assertEquals("Carol Smith", carol.displayName());
        assertEquals(Optional.of("2001"), carol.extension());
        assertEquals(Set.of("support"), carol.groups());
        assertTrue(Files.exists(dir.resolve("staff-credentials.csv")));
    }

    @Test
    void aNamedColumnTheExportLacksStopsTheImport() throws Exception {
        Path export = Files.writeString(dir.resolve("hr.csv"), "login,name\ncarol,Carol\n");

        assertEquals(2, run("import", export.toString(), "--extension-column", "Phone"));

        assertEquals("liaison: " + export + " has no column named Phone\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anExistingCredentialsFileIsNeverOverwritten() throws Exception {
        Path export = Files.writeString(dir.resolve("hr.csv"), "login,name\ncarol,Carol\n");
        Files.writeString(dir.resolve("hr-credentials.csv"), "earlier passwords");
        byte[] before = Files.readAllBytes(users);

        assertEquals(2, run("import", export.toString()));

        assertEquals("earlier passwords", Files.readString(dir.resolve("hr-credentials.csv")));
        assertArrayEquals(before, Files.readAllBytes(users));
    }

    private int run(String... args) {
        return new UsersCommand(users, groups, REALM, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(new ArrayList<>(List.of(args)));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
