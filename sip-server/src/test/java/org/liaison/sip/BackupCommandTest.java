package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** {@code bin/liaison backup OUTFILE} beside a running server, {@code restore INFILE [--force]} only once it stopped. */
@Timeout(60)
class BackupCommandTest {
    @TempDir
    Path root;

    @Test
    void backupRunsBesideTheServerAndRestoreWaitsUntilItStopped() throws Exception {
        Path backup = root.resolve("liaison.tar.gz");
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001").start(root.resolve("a"));
                TestUa alice = new TestUa("alice", server)) {
            assertEquals(200, alice.register("alice-secret", "").status());
            String config = server.configDir().toString();
            assertEquals(0, SipServerMain.run(new String[] {"backup", backup.toString(), "--config", config}));
            assertTrue(Files.size(backup) > 0);

            assertEquals(2, SipServerMain.run(new String[] {"restore", backup.toString(), "--force", "--config", config}),
                    "restored under a running server");
            assertFalse(server.server().locations().lookup("alice").isEmpty(), "the refused restore touched data.dir");
            assertEquals(2, SipServerMain.run(new String[] {"backup", "--config", config}), "no OUTFILE");
        }

        TestServer fresh = TestServer.builder().user("alice", "alice-secret", "1001").create(root.resolve("b"));
        String config = fresh.configDir().toString();
        assertEquals(0, SipServerMain.run(new String[] {"restore", backup.toString(), "--config", config}));
        assertEquals(2, SipServerMain.run(new String[] {"restore", backup.toString(), "--config", config}),
                "restored over a data.dir that is no longer empty without --force");
        assertEquals(0, SipServerMain.run(new String[] {"restore", backup.toString(), "--force", "--config", config}));
        try (TestServer restored = fresh.start()) {
            assertFalse(restored.server().locations().lookup("alice").isEmpty(), "alice's registration was not restored");
        }
    }
}
