package org.liaison.im;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat issue's promise, tested for real: SIGKILL a writer mid-flight (messages,
 * acknowledgements, group posts), reopen, lose nothing.
 */
class KillMinus9Test {

    private static final int REPORTED_STORES_BEFORE_KILL = 300;

    @TempDir
    Path dataDir;

    @Test
    void everyStoreAndAcknowledgementThatReturnedBeforeKillMinus9IsThereAfterRestart() throws Exception {
        Map<String, String> storedBodies = new HashMap<>();
        Set<String> acked = new HashSet<>();
        Set<String> posted = new HashSet<>();
        List<String> output = new ArrayList<>();

        boolean killedWhileWriting;
        Process writer = new ProcessBuilder(javaExecutable(), "-cp", System.getProperty("java.class.path"),
                StoreUntilKilled.class.getName(), dataDir.toString()).redirectErrorStream(true).start();
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while (storedBodies.size() < REPORTED_STORES_BEFORE_KILL && (line = lines.readLine()) != null) {
                        output.add(line);
                        String[] words = line.split(" ");
                        if (words[0].equals("stored")) {
                            storedBodies.put(words[1], "message " + words[2]);
                        } else if (words[0].equals("posted")) {
                            posted.add("post " + words[1]);
                        } else if (words[0].equals("acked")) {
                            acked.add(words[1]);
                        }
                    }
                }
            });
        } finally {
            killedWhileWriting = writer.isAlive();
            writer.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no close()
            writer.waitFor();
        }
        assertEquals(REPORTED_STORES_BEFORE_KILL, storedBodies.size(), () -> String.join("\n", output));
        assertTrue(killedWhileWriting, "the writer must still be storing when it is killed");

        try (FileOfflineStore restarted = FileOfflineStore.open(dataDir, StoreUntilKilled.SETTINGS, Clock.systemUTC())) {
            Map<String, String> onDisk = new HashMap<>();
            restarted.pendingFor("bob", "tablet", 100_000)
                    .forEach(m -> onDisk.put(m.id(), new String(m.body(), StandardCharsets.UTF_8)));
            storedBodies.forEach((id, body) -> assertEquals(body, onDisk.get(id), "message " + id));

            Set<String> owedToPhone = new HashSet<>();
            restarted.pendingFor("bob", "phone", 100_000).forEach(m -> owedToPhone.add(m.id()));
            acked.forEach(id -> assertFalse(owedToPhone.contains(id), "acknowledged " + id + " offered again"));

            assertFalse(posted.isEmpty());
            for (String member : List.of("carol", "dave")) {
                Set<String> postsKept = new HashSet<>();
                restarted.pendingFor(member, "phone", 100_000)
                        .forEach(m -> postsKept.add(new String(m.body(), StandardCharsets.UTF_8)));
                assertTrue(postsKept.containsAll(posted), member + " lost a group post that was stored");
            }
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".tmp") || p.toString().endsWith(".corrupt")));
        }
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
