package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 11, guessing with the shipped limits: a guesser is stopped within ten guesses for one username from one
 * address, without touching the other users at that address; guessing from many addresses slows the username down
 * while its owner's registered phone keeps working; and an unknown username is refused exactly like a known one.
 */
@Timeout(120)
class GuessingDefenceTest {
    private static final String ALICE_SECRET = "alice-secret";

    @TempDir
    Path root;
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.builder().user("alice", ALICE_SECRET, "1001").user("bob", "bob-secret", "1002")
                .start(root);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void guessingOneUserFromOneSourceStopsWithinTenGuessesAndStaysStopped() throws Exception {
        try (TestUa guesser = new TestUa("alice", server); TestUa bob = new TestUa("bob", server)) {
            List<Integer> answers = new ArrayList<>();
            for (int guess = 0; guess < 15; guess++) {
                answers.add(guesser.register("guess-" + guess, "").status());
            }
            List<Integer> expected = new ArrayList<>(Collections.nCopies(10, 401));
            expected.addAll(Collections.nCopies(5, 403));
            assertEquals(expected, answers);

            assertEquals(200, bob.register("bob-secret", "").status(), "bob at the same address is not touched");
            SipText right = guesser.register(ALICE_SECRET, "");
            assertEquals(403, right.status(), "the right password is not even checked: " + right);
            int retryAfter = Integer.parseInt(right.header("retry-after").orElseThrow().trim());
            assertTrue(retryAfter > 500 && retryAfter <= 600, right.toString());
        }
    }

    /** The interop suite's case: a phone loops on a stale password; its owner's new phone at that address registers. */
    @Test
    void theOwnersNewPhoneRegistersNextToHerPhoneWithAStalePassword() throws Exception {
        try (TestUa stale = new TestUa("alice", server); TestUa newPhone = new TestUa("alice", server)) {
            for (int retry = 0; retry < 10; retry++) {
                assertEquals(401, stale.register("the-old-password", "").status());
            }
            assertEquals(403, stale.register("the-old-password", "").status());

            assertEquals(200, newPhone.register(ALICE_SECRET, "").status(), "a device that never failed gets its turn");
            assertEquals(403, stale.register("the-old-password", "").status(), "the stale phone waits out its block");
        }
    }

    @Test
    void theOwnersRegisteredPhoneKeepsWorkingWhileTenSourcesGuess() throws Exception {
        try (TestUa phone = new TestUa("alice", server); TestUa bob = new TestUa("bob", server)) {
            assertEquals(200, phone.register(ALICE_SECRET, "").status());
            assertEquals(200, bob.register("bob-secret", "").status());
            int evaluated = 0;
            int guesses = 0;
            for (int source = 2; source <= 11; source++) {
                try (TestUa guesser = TestUa.fromAddress("alice", server, "127.0.0." + source)) {
                    for (int guess = 0; guess < 12; guess++, guesses++) {
                        int status = guesser.register("guess-" + source + "-" + guess, "").status();
                        evaluated += status == 401 ? 1 : 0;
                        assertTrue(status == 401 || status == 403, "answered " + status);
                    }
                }
            }
            // 20 failures slow alice down; after that a guess gets a turn only once per doubling delay (1 s, 2 s ...)
            assertTrue(evaluated <= 25, evaluated + " of " + guesses + " guesses were checked");

            assertEquals(200, phone.register(ALICE_SECRET, "").status(), "alice's phone re-registers");
            OfficeTraffic.chat(phone, ALICE_SECRET, bob);
            OfficeTraffic.call(phone, ALICE_SECRET, bob);
            try (TestUa newPhone = TestUa.fromAddress("alice", server, "127.0.0.12")) {
                SipText slowed = newPhone.register(ALICE_SECRET, "");
                assertEquals(403, slowed.status(), "a phone that never authenticated waits its turn");
                int retryAfter = Integer.parseInt(slowed.header("retry-after").orElseThrow().trim());
                assertTrue(retryAfter >= 1 && retryAfter <= 64, slowed.toString());
            }
        }
    }
}
