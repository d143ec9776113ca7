package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;

/** {@code bin/liaison onboarding USER|--all OUTDIR}: the admin's second command after the import. */
class OnboardingCommandTest {
    @TempDir
    Path root;

    @Test
    void onboardingAllWritesAPageAndAQrCodePerUserAndAnUnknownUserIsAnError() throws Exception {
        TestServer config = TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .create(root.resolve("server"));
        Path out = root.resolve("out");
        String configDir = config.configDir().toString();

        assertEquals(0, SipServerMain.run(new String[] {"onboarding", "--all", out.toString(), "--config", configDir}));
        for (String user : new String[] {"alice", "bob"}) {
            assertTrue(Files.size(out.resolve(user + ".png")) > 0, user);
            assertTrue(Files.readString(out.resolve(user + ".html")).contains("sip:" + user + "@" + TestServer.DOMAIN));
        }
        assertTrue(Files.exists(config.dataDir().resolve("enrolment-tokens")), "tokens kept for the server");

        assertEquals(2, SipServerMain.run(new String[] {"onboarding", "carol", out.toString(), "--config", configDir}));
        assertEquals(2, SipServerMain.run(new String[] {"onboarding", "alice", "--config", configDir}));
    }
}
