package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** Issue 11 item 5: a second server on a data directory in use refuses to start and touches nothing. */
class DataDirLockTest {
    @TempDir
    Path root;

    @Test
    void aSecondServerOnTheSameDataDirRefusesToStartAndLeavesTheStoresAlone() throws Exception {
        TestServer first = TestServer.builder().user("alice", "alice-secret", "1001").create(root).start();
        try {
            try (TestUa alice = new TestUa("alice", first)) {
                assertEquals(200, alice.register("alice-secret", "").status());
            }
            Map<Path, String> before = contents(first.dataDir());
            LiaisonConfig config = LiaisonConfig.load(first.configDir());

            DataDirInUse refused = assertThrows(DataDirInUse.class, () -> SipServer.start(config).close());

            assertEquals("data.dir " + config.dataDir() + " is in use by another Liaison server (lock file "
                    + config.dataDir().resolve("liaison.lock") + ")", refused.getMessage());
            assertEquals(before, contents(first.dataDir()));
            assertEquals(1, first.server().locations().lookup("alice").size());
            // the first one still serves
            try (TestUa alice = new TestUa("alice", first)) {
                alice.send(alice.optionsRequest());
                assertEquals(200, alice.awaitResponse("OPTIONS", 200).status());
            }
        } finally {
            first.stop();
        }
        // and once it has stopped, the directory is free again
        first.start();
        first.stop();
    }

    private static Map<Path, String> contents(Path dir) throws IOException {
        Map<Path, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file), new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        return files;
    }
}
