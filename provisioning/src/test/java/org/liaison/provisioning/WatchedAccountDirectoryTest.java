package org.liaison.provisioning;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatchedAccountDirectoryTest {
    private static final String REALM = UsersCsvFiles.REALM;
    /** For tests about what a reload does: only {@code reloadNow()} reloads. */
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Duration POLL = Duration.ofMillis(50);

    @TempDir
    Path dir;
    private Path file;
    private final BlockingQueue<AccountChanges> changes = new LinkedBlockingQueue<>();
    private LogCapture log;
    private WatchedAccountDirectory directory;

    @BeforeEach
    void startWithAliceAndBob() {
        file = UsersCsvFiles.withUsers(dir.resolve("users.csv"), "alice,clrtxt:a,,1001,", "bob,clrtxt:b,,1002,");
        log = new LogCapture(WatchedAccountDirectory.class);
    }

    @AfterEach
    void closeEverything() {
        if (directory != null) {
            directory.close();
        }
        log.close();
    }

    @Test
    void pollingPicksUpAnAddedUserOnItsOwn() throws Exception {
        directory = open(POLL, changes::add);

        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob,clrtxt:b,,1002,", "carol,clrtxt:c,,1003,");

        AccountChanges change = changes.poll(5, TimeUnit.SECONDS);
        assertNotNull(change, "no reload within 5 s");
        assertEquals(Set.of("carol"), change.added());
        assertEquals("carol", directory.byExtension("1003").orElseThrow().username());
    }

    @Test
    void pollingAppliesAGoodEditAfterABrokenOne() throws Exception {
        directory = open(POLL, changes::add);

        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob,clrtxt:b,,1001,");
        await("the broken edit is reported").atMost(Duration.ofSeconds(5)).until(() -> !log.warnings().isEmpty());
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob,clrtxt:b,,1002,", "carol,clrtxt:c,,,");

        // The first change reported must be the good edit: the broken one applied nothing.
        assertEquals(new AccountChanges(Set.of("carol"), Set.of(), Set.of()), changes.poll(5, TimeUnit.SECONDS));
        assertTrue(directory.byUsername("carol").isPresent());
    }

    @Test
    void addedUserIsServedAndReported() {
        directory = open(NEVER, changes::add);
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob,clrtxt:b,,1002,", "carol,clrtxt:c,,,");

        assertTrue(directory.reloadNow());

        assertTrue(directory.byUsername("carol").isPresent());
        assertEquals(List.of(new AccountChanges(Set.of("carol"), Set.of(), Set.of())), List.copyOf(changes));
    }

    @Test
    void removedUserIsNoLongerServedAndIsReported() {
        directory = open(NEVER, changes::add);
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,");

        assertTrue(directory.reloadNow());

        assertTrue(directory.byUsername("bob").isEmpty());
        assertTrue(directory.byExtension("1002").isEmpty());
        assertEquals(List.of(new AccountChanges(Set.of(), Set.of("bob"), Set.of())), List.copyOf(changes));
    }

    @Test
    void changedPasswordIsReportedButAChangedDisplayNameIsNot() {
        directory = open(NEVER, changes::add);
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,Alice L.,1001,", "bob,clrtxt:new,,1002,");

        assertTrue(directory.reloadNow());

        assertEquals(Credentials.fromPassword("bob", REALM, "new"),
                directory.byUsername("bob").orElseThrow().credentials());
        assertEquals("Alice L.", directory.byUsername("alice").orElseThrow().displayName());
        assertEquals(List.of(new AccountChanges(Set.of(), Set.of(), Set.of("bob"))), List.copyOf(changes));
    }

    @Test
    void unchangedContentAppliesNothing() {
        directory = open(NEVER, changes::add);
        AccountSnapshot before = directory.current();
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob,clrtxt:b,,1002,"); // rewritten, same bytes

        assertFalse(directory.reloadNow());

        assertSame(before, directory.current());
        assertTrue(changes.isEmpty());
    }

    @Test
    void brokenEditKeepsThePreviousAccountsAndIsLoggedOncePerProblem() {
        directory = open(NEVER, changes::add);
        AccountSnapshot before = directory.current();
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob,nope,,1001,");

        assertFalse(directory.reloadNow());
        assertFalse(directory.reloadNow());

        assertSame(before, directory.current());
        assertTrue(changes.isEmpty());
        List<String> warnings = log.warnings();
        assertEquals(2, warnings.size(), warnings::toString);
        assertTrue(warnings.get(0).endsWith("users.csv:3: password must be clrtxt:<password>, or md5:<32 hex digits> "
                + "and/or sha256:<64 hex digits> joined by '+'"), warnings.get(0));
        assertTrue(warnings.get(1).endsWith("users.csv:3: extension 1001 is already used on line 2"), warnings.get(1));
    }

    @Test
    void laterGoodEditAppliesAndADifferentBreakageIsReportedAgain() {
        directory = open(NEVER, changes::add);
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob,clrtxt:b,,1001,");
        directory.reloadNow();
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "-bob,clrtxt:b,,1002,");
        directory.reloadNow();
        assertEquals(2, log.warnings().size(), () -> log.warnings().toString());

        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,");

        assertTrue(directory.reloadNow());
        assertTrue(directory.byUsername("bob").isEmpty());
    }

    @Test
    void fileThatDisappearsKeepsThePreviousAccountsAndIsLoggedOnce() throws Exception {
        directory = open(NEVER, changes::add);
        Files.delete(file);

        assertFalse(directory.reloadNow());
        assertFalse(directory.reloadNow());

        assertTrue(directory.byUsername("alice").isPresent());
        assertEquals(1, log.warnings().size(), () -> log.warnings().toString());
        assertTrue(log.warnings().get(0).startsWith("Cannot read " + file), log.warnings().get(0));

        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,");
        assertTrue(directory.reloadNow());
        assertEquals(Set.of("bob"), changes.poll().removed());
    }

    @Test
    void startupFailsOnABrokenFile() {
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "alice,clrtxt:b,,,");

        UsersFileException e = assertThrows(UsersFileException.class,
                () -> WatchedAccountDirectory.open(file, REALM, POLL, changes::add));

        assertEquals(List.of("users.csv:3: username alice is already used on line 2"), e.problems());
    }

    @Test
    void passwordsAndHa1NeverReachTheLog() {
        directory = open(NEVER, changes::add);
        Credentials secret = Credentials.fromPassword("bob", REALM, "Hunter2Secret");
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob,clrtxt:Hunter2Secret,,1002,");
        directory.reloadNow();
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "clrtxt:Hunter2Secret,bob,,1002,");
        directory.reloadNow();
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "bob," + UsersFile.hashedForm(secret) + ",x,1002,");
        directory.reloadNow();

        List<String> lines = log.everything();
        assertTrue(lines.size() >= 3, lines::toString);
        for (String line : lines) {
            assertFalse(line.contains("Hunter2Secret"), line);
            for (DigestAlgorithm a : DigestAlgorithm.values()) {
                assertFalse(line.contains(secret.ha1(a).orElseThrow()), line);
            }
        }
    }

    @Test
    void failingListenerDoesNotStopPolling() {
        directory = open(POLL, change -> {
            changes.add(change);
            throw new IllegalStateException("listener bug");
        });

        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,");
        await("bob's removal is seen").atMost(Duration.ofSeconds(5)).until(() -> directory.byUsername("bob").isEmpty());
        UsersCsvFiles.withUsers(file, "alice,clrtxt:a,,1001,", "carol,clrtxt:c,,,");

        await("carol's addition is reported too").atMost(Duration.ofSeconds(5)).until(() -> changes.size() == 2);
        assertTrue(directory.byUsername("carol").isPresent());
    }

    @Test
    void closeStopsThePollingThread() {
        directory = open(POLL, changes::add);
        String threadName = "users-file-poller " + file;
        await("the poller runs").atMost(Duration.ofSeconds(5)).until(() -> pollerThread(threadName) != null);

        directory.close();

        // The pool reports termination a moment before its thread has returned from run().
        await("the poller thread ends").atMost(Duration.ofSeconds(5)).until(() -> pollerThread(threadName) == null);
    }

    private WatchedAccountDirectory open(Duration pollInterval, Consumer<AccountChanges> onChange) {
        try {
            return WatchedAccountDirectory.open(file, REALM, pollInterval, onChange);
        } catch (UsersFileException e) {
            throw new AssertionError(e);
        }
    }

    private static Thread pollerThread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name) && t.isAlive())
                .findFirst()
                .orElse(null);
    }
}
