package org.liaison.provisioning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileLoadTest {
    private static final String REALM = UsersCsvFiles.REALM;
    private static final String RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit, "
            + "at most 64 characters";
    private static final String FORMS =
            "clrtxt:<password>, or md5:<32 hex digits> and/or sha256:<64 hex digits> joined by '+'";

    @TempDir
    Path dir;

    @Test
    void validFileWithQuotingCommentsBlankLinesUtf8AndExtraColumnsLoadsInFileOrder() throws Exception {
        Path file = write("""
                # Staff of Example Ltd, exported from HR
                username,password,display_name,extension,groups,department,notes
                alice,clrtxt:wonderland,"Liddell, Alice",1001,sales;support,Sales,"likes ""tea""\"

                # contractors below
                Bob.Smith,"clrtxt:p,a ss",  Bob Smith  ,,SUPPORT ; ,,
                "carol",clrtxt:c,"Zoë Dupré / 山田 太郎 🎧",20,,,"two
                lines"
                dave-2,clrtxt:  spaced  ,,,
                """);

        AccountSnapshot accounts = UsersFile.load(file, REALM);

        assertEquals(List.of("alice", "bob.smith", "carol", "dave-2"),
                accounts.all().stream().map(Account::username).toList());
        Account alice = accounts.byUsername("alice").orElseThrow();
        assertEquals("Liddell, Alice", alice.displayName());
        assertEquals(Optional.of("1001"), alice.extension());
        assertEquals(Set.of("sales", "support"), alice.groups());
        Account bob = accounts.byUsername("bob.smith").orElseThrow();
        assertEquals("Bob Smith", bob.displayName());
        assertEquals(Optional.empty(), bob.extension());
        assertEquals(Set.of("support"), bob.groups());
        assertEquals(Credentials.fromPassword("bob.smith", REALM, "p,a ss"), bob.credentials());
        assertEquals("Zoë Dupré / 山田 太郎 🎧", accounts.byUsername("carol").orElseThrow().displayName());
        assertEquals(Credentials.fromPassword("dave-2", REALM, "  spaced  "),
                accounts.byUsername("dave-2").orElseThrow().credentials());
        assertEquals(List.of("sales", "support"), List.copyOf(accounts.groupNames()));
    }

    @Test
    void lookupsIgnoreUsernameCaseAndResolveExtensions() throws Exception {
        AccountSnapshot accounts = UsersFile.load(users("alice,clrtxt:a,,1001,"), REALM);

        assertEquals("alice", accounts.byUsername("ALICE").orElseThrow().username());
        assertEquals("alice", accounts.byExtension("1001").orElseThrow().username());
        assertEquals("alice", accounts.resolve("1001").orElseThrow().username());
        assertEquals(Optional.empty(), accounts.resolve("1002"));
    }

    @Test
    void byteOrderMarkAndWindowsLineEndingsAreAccepted() throws Exception {
        Files.write(dir.resolve("users.csv"), ("\uFEFF" + UsersCsvFiles.HEADER + "\r\nalice,clrtxt:a,Alice,,\r\n")
                .getBytes(StandardCharsets.UTF_8));

        AccountSnapshot accounts = UsersFile.load(dir.resolve("users.csv"), REALM);

        assertEquals("Alice", accounts.byUsername("alice").orElseThrow().displayName());
    }

    @Test
    void boundaryValuesAreAccepted() throws Exception {
        String longest = "a".repeat(64);

        AccountSnapshot accounts = UsersFile.load(users(
                longest + ",clrtxt:a,,12,",
                "9lives,clrtxt:b,,123456789012345,g.1_x-y"), REALM);

        assertEquals(Optional.of("12"), accounts.byUsername(longest).orElseThrow().extension());
        assertEquals(Optional.of("123456789012345"), accounts.byUsername("9lives").orElseThrow().extension());
        assertEquals(Set.of("g.1_x-y"), accounts.groupNames());
    }

    @Test
    void missingUsernameIsRejectedOnItsLine() {
        assertEquals(List.of("users.csv:3: username is required"),
                problems("alice,clrtxt:a,,,", "  ,clrtxt:b,,,"));
    }

    @Test
    void usernamesBreakingTheSipUserPartRuleAreRejected() {
        assertEquals(List.of(
                        "users.csv:2: username must be " + RULE,
                        "users.csv:3: username must be " + RULE,
                        "users.csv:4: username must be " + RULE,
                        "users.csv:5: username must be " + RULE,
                        "users.csv:6: username must be " + RULE),
                problems(
                        "al ice,clrtxt:a,,,",
                        "-alice,clrtxt:a,,,",
                        "ålice,clrtxt:a,,,",
                        "\u212Aate,clrtxt:a,,,", // Kelvin sign: lower-cases to an ASCII k
                        "a".repeat(65) + ",clrtxt:a,,,"));
    }

    @Test
    void duplicateUsernameIsRejectedWithBothLineNumbers() {
        assertEquals(List.of("users.csv:4: username alice is already used on line 2"),
                problems("alice,clrtxt:a,,,", "bob,clrtxt:b,,,", "ALICE,clrtxt:c,,,"));
    }

    @Test
    void passwordsOutsideTheGrammarAreRejectedNamingTheAcceptedForms() {
        String forms = "clrtxt:<password>, or md5:<32 hex digits> and/or sha256:<64 hex digits> joined by '+'";
        String md5 = "0123456789abcdef0123456789abcdef";

        assertEquals(List.of(
                        "users.csv:2: password is required: " + FORMS,
                        "users.csv:3: password must be " + FORMS,
                        "users.csv:4: password: nothing follows clrtxt:",
                        "users.csv:5: password: the md5 HA1 must be 32 hex digits",
                        "users.csv:6: password: the sha256 HA1 must be 64 hex digits",
                        "users.csv:7: password: md5 is given more than once",
                        "users.csv:8: password must be " + FORMS,
                        "users.csv:9: password must be " + FORMS),
                problems(
                        "u1,,,,",
                        "u2,hunter2,,,",
                        "u3,clrtxt:,,,",
                        "u4,md5:" + md5.substring(1) + ",,,",
                        "u5,sha256:" + "g".repeat(64) + ",,,",
                        "u6,md5:" + md5 + "+MD5:" + md5 + ",,,",
                        "u7,sha1:" + "a".repeat(40) + ",,,",
                        "u8,md5:" + md5 + "+,,,"));
    }

    @Test
    void problemsNeverQuoteWhatIsInThePasswordColumnOrAMisplacedPassword() {
        List<String> problems = problems(
                "u1,hunter2secret,,,",
                "clrtxt:hunter2secret,u2,,,",
                "u3,md5:hunter2secret,,,");

        assertEquals(List.of(
                        "users.csv:2: password must be " + FORMS,
                        "users.csv:3: username must be " + RULE,
                        "users.csv:3: password must be " + FORMS,
                        "users.csv:4: password: the md5 HA1 must be 32 hex digits"),
                problems);
    }

    @Test
    void displayNameWithALineBreakIsRejectedOnTheLineItStarts() {
        assertEquals(List.of("users.csv:2: display_name must not contain line breaks, tabs or other control characters"),
                problems("alice,clrtxt:a,\"Alice\nInjected: header\",,"));
    }

    @Test
    void extensionsThatAreNotTwoToFifteenDigitsAreRejected() {
        String problem = "extension must be 2 to 15 digits";

        assertEquals(List.of("users.csv:2: " + problem, "users.csv:3: " + problem, "users.csv:4: " + problem,
                        "users.csv:5: " + problem),
                problems("u1,clrtxt:a,,1,", "u2,clrtxt:a,,1234567890123456,", "u3,clrtxt:a,,12a,",
                        "u4,clrtxt:a,,+4930,"));
    }

    @Test
    void duplicateExtensionIsRejectedWithBothLineNumbers() {
        assertEquals(List.of("users.csv:3: extension 1001 is already used on line 2"),
                problems("alice,clrtxt:a,,1001,", "bob,clrtxt:b,,1001,"));
    }

    @Test
    void extensionEqualToAUsernameIsRejectedWhereverTheUsernameIs() {
        assertEquals(List.of("users.csv:2: extension 1002 is also the username on line 3"),
                problems("alice,clrtxt:a,,1002,", "1002,clrtxt:b,,,"));
    }

    @Test
    void groupNamesBreakingTheRuleOrTakenByAUserAreRejected() {
        assertEquals(List.of(
                        "users.csv:2: groups: name 2 must be " + RULE,
                        "users.csv:3: group alice is also the username on line 2",
                        "users.csv:3: group 1001 is also the extension on line 2"),
                problems("alice,clrtxt:a,,1001,sales;b@d", "bob,clrtxt:b,,,Alice;1001"));
    }

    @Test
    void rowWithTooFewColumnsIsRejected() {
        assertEquals(List.of("users.csv:2: has 2 columns; every user needs 5 "
                        + "(username,password,display_name,extension,groups)"),
                problems("alice,clrtxt:a"));
    }

    @Test
    void severalProblemsAreReportedTogetherInLineOrder() {
        UsersFileException e = assertThrows(UsersFileException.class, () -> UsersFile.load(write("""
                # comment lines and blank lines count
                username,password,display_name,extension,groups,notes

                alice,clrtxt:a,,1001,,"a note
                on two lines"
                -bob,nope,,1,,
                carol,clrtxt:c,,1001,,
                """), REALM));

        List<String> expected = List.of(
                "users.csv:6: username must be " + RULE,
                "users.csv:6: password must be " + FORMS,
                "users.csv:6: extension must be 2 to 15 digits",
                "users.csv:7: extension 1001 is already used on line 4");
        assertEquals(expected, e.problems());
        assertEquals(String.join("\n", expected), e.getMessage());
    }

    @Test
    void headerMustStartWithTheRequiredColumnsInOrder() {
        assertEquals(List.of("users.csv:1: the header must start with username,password,display_name,extension,"
                        + "groups; column 2 is not password"),
                problemsIn("username,pass,display_name,extension,groups\nalice,clrtxt:a,,,\n"));
        assertEquals(List.of("users.csv:1: the header must start with username,password,display_name,extension,"
                        + "groups; column 5 is not groups"),
                problemsIn("username,password,display_name,extension\nalice,clrtxt:a,,\n"));
        assertEquals(List.of("users.csv:2: the header must start with username,password,display_name,extension,"
                        + "groups; column 1 is not username"),
                problemsIn("# no header below\nalice,clrtxt:a,,,\n"));
    }

    @Test
    void emptyFileIsRejected() {
        assertEquals(List.of("users.csv:1: is empty; the first line must be the header "
                        + "username,password,display_name,extension,groups"),
                problemsIn("# only a comment\n\n"));
    }

    @Test
    void fileInAnotherEncodingIsRejectedOnTheLineItBreaks() throws Exception {
        byte[] latin1 = (UsersCsvFiles.HEADER + "\nalice,clrtxt:a,,,\nrene,clrtxt:b,René,,\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve("users.csv"), latin1);

        assertEquals(List.of("users.csv:3: is not valid UTF-8; save the file as UTF-8"),
                problemsOf(dir.resolve("users.csv")));
    }

    @Test
    void unclosedQuoteIsReportedOnTheLineOfTheRecordItOpensIn() {
        assertEquals(List.of("users.csv:4: broken quoting: a quoted cell is never closed, or text follows its "
                        + "closing quote"),
                problems("alice,clrtxt:a,,,", "# a comment", "bob,clrtxt:b,\"Bob,,", "carol,clrtxt:c,,,"));
    }

    @Test
    void missingFileIsAProblemWithTheWholeFile() {
        List<String> problems = problemsOf(dir.resolve("users.csv"));

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("users.csv: cannot be read (java.nio.file.NoSuchFileException"),
                problems.get(0));
    }

    private Path users(String... rows) {
        return UsersCsvFiles.withUsers(dir.resolve("users.csv"), rows);
    }

    private Path write(String text) {
        return UsersCsvFiles.replace(dir.resolve("users.csv"), text);
    }

    private List<String> problems(String... rows) {
        return problemsOf(users(rows));
    }

    private List<String> problemsIn(String text) {
        return problemsOf(write(text));
    }

    private static List<String> problemsOf(Path file) {
        return assertThrows(UsersFileException.class, () -> UsersFile.load(file, REALM)).problems();
    }
}
