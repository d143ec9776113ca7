package org.liaison.sip.backup;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.StoredMessage;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * A backup taken while a real server stores messages restores into a fresh data.dir with every message whose 202
 * came before it started, and the registrations; restore refuses damaged or hostile archives before writing a byte.
 */
@Timeout(120)
class DataDirBackupTest {
    private static final String LOCK = "liaison.lock";
    private static final int BEFORE_BACKUP = 30;
    /** Stays under the shipped per-sender cap for one recipient (100) and, all together, the recipient's (1000). */
    private static final int SENDERS = 9;
    private static final int PER_SENDER = 99;

    @TempDir
    Path root;

    @Test
    void backupUnderLoadRestoresEveryAcknowledgedMessageAndTheRegistrations() throws Exception {
        Path backup = root.resolve("backup.tar.gz");
        Set<String> acknowledgedBeforeBackup;
        List<String> acknowledged = new CopyOnWriteArrayList<>();
        try (TestServer server = users().start(root.resolve("running"));
                TestUa carol = new TestUa("carol", server)) {
            assertEquals(200, carol.register("carol-secret", "").status());
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch backupStarts = new CountDownLatch(1);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Thread sender = new Thread(() -> storeUntil(server, backupStarts, stop, acknowledged, failures),
                    "senders-store");
            sender.start();
            try {
                await("messages stored before the backup").atMost(Duration.ofSeconds(30))
                        .until(() -> acknowledged.size() >= BEFORE_BACKUP || !failures.isEmpty());
                acknowledgedBeforeBackup = Set.copyOf(acknowledged);
                backupStarts.countDown();
                DataDirBackup.write(server.dataDir(), backup, LOCK, Clock.systemUTC());
                int duringBackup = acknowledged.size() - acknowledgedBeforeBackup.size();
                await("a message stored after the backup, so it ran under load").atMost(Duration.ofSeconds(10))
                        .until(() -> acknowledged.size() > acknowledgedBeforeBackup.size() + duringBackup
                                || !failures.isEmpty());
            } finally {
                stop.set(true);
                backupStarts.countDown();
                sender.join(10_000);
            }
            assertTrue(failures.isEmpty(), "storing messages failed: " + failures);
        }

        try (TestServer restored = users().create(root.resolve("restored"))) {
            Files.createDirectories(restored.dataDir());
            Archived archived = DataDirRestore.restore(backup, restored.dataDir(), LOCK, false);
            assertTrue(archived.files() > 0, "nothing restored");
            restored.start();
            Set<String> kept = restored.server().messages().pendingFor("bob", "a-device-of-bob", 100_000).stream()
                    .map(StoredMessage::callId).collect(Collectors.toSet());
            Set<String> lost = new HashSet<>(acknowledgedBeforeBackup);
            lost.removeAll(kept);
            assertTrue(lost.isEmpty(), lost.size() + " of " + acknowledgedBeforeBackup.size()
                    + " messages answered 202 before the backup started are not in it: " + lost);
            assertFalse(restored.server().locations().lookup("carol").isEmpty(), "carol's registration was not restored");
        }
    }

    /**
     * Stores {@link #BEFORE_BACKUP} messages for offline bob, waits for the backup to start, then stores until told
     * to stop. The shipped im.max-queued-per-sender-per-user (100) bounds what one sender may leave waiting for bob,
     * and a loaded machine stores hundreds while the backup runs, so the senders take turns, each staying under it.
     */
    private static void storeUntil(TestServer server, CountDownLatch backupStarts, AtomicBoolean stop,
            List<String> acknowledged, List<Throwable> failures) {
        try {
            for (int s = 0; s < SENDERS && !stop.get(); s++) {
                try (TestUa sender = new TestUa(sender(s), server)) {
                    for (int sent = 0; sent < PER_SENDER && !stop.get(); sent++) {
                        if (acknowledged.size() == BEFORE_BACKUP) {
                            backupStarts.await();
                        }
                        String callId = UUID.randomUUID().toString();
                        int status = sender.sendWithAuth(sender.messageRequest("sip:bob@" + TestServer.DOMAIN, callId,
                                "text/plain", "message " + callId), sender(s) + "-secret").status();
                        if (status != 202) {
                            throw new AssertionError("MESSAGE from " + sender(s) + " to offline bob answered " + status);
                        }
                        acknowledged.add(callId);
                    }
                }
            }
            if (!stop.get()) {
                throw new AssertionError(acknowledged.size() + " messages stored and the backup still ran");
            }
        } catch (IOException | RuntimeException | AssertionError e) {
            failures.add(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(e);
        }
    }

    private static String sender(int s) {
        return "sender" + s;
    }

    private static TestServer.Builder users() {
        TestServer.Builder users = TestServer.builder().user("bob", "bob-secret", "1002")
                .user("carol", "carol-secret", "1003");
        for (int s = 0; s < SENDERS; s++) {
            users.user(sender(s), sender(s) + "-secret", String.valueOf(2000 + s));
        }
        return users;
    }

    @Test
    void journalIsCopiedUpToItsLastIntactRecordAndFilesKeepTheirModes() throws Exception {
        Path dataDir = Files.createDirectories(root.resolve("data"));
        byte[] record = "one binding".getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(record);
        ByteBuffer journal = ByteBuffer.allocate(8 + record.length + 5);
        journal.putInt(record.length).putInt((int) crc.getValue()).put(record).put(new byte[] {0, 0, 0, 9, 1});
        Files.write(dataDir.resolve("location.journal"), journal.array());
        Files.writeString(dataDir.resolve("ca.pem"), "certificate");
        Files.createDirectories(dataDir.resolve("tls"));
        Files.writeString(dataDir.resolve("tls/server-key.pem"), "key");
        Files.setPosixFilePermissions(dataDir.resolve("tls/server-key.pem"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(dataDir.resolve("ca.pem"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(dataDir.resolve(LOCK), "");
        Files.writeString(dataDir.resolve("enrolment-tokens.tmp"), "a write in progress");

        Path backup = root.resolve("b.tar.gz");
        Archived archived = DataDirBackup.write(dataDir, backup, LOCK, Clock.systemUTC());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(backup)));
        assertEquals(3, archived.files(), "the lock file and temp files are left out");
        Path target = Files.createDirectories(root.resolve("target"));
        DataDirRestore.restore(backup, target, LOCK, false);
        assertEquals(8 + record.length, Files.size(target.resolve("location.journal")), "the torn tail was copied");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("tls/server-key.pem"))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target.resolve("ca.pem"))));
        assertFalse(Files.exists(target.resolve(DataDirRestore.STAGING_NAME)));
    }

    @Test
    void backupInsideDataDirIsRefused() throws IOException {
        Path dataDir = Files.createDirectories(root.resolve("data"));
        BackupProblem refused = assertThrows(BackupProblem.class,
                () -> DataDirBackup.write(dataDir, dataDir.resolve("self.tar.gz"), LOCK, Clock.systemUTC()));
        assertTrue(refused.getMessage().contains("inside data.dir"), refused.getMessage());
    }

    @Test
    void nonEmptyDataDirIsRefusedUnlessForcedAndThenReplaced() throws IOException {
        Path backup = archive(Map.of("data/messages/bob/1.msg", bytes("hello")), true);
        Path target = Files.createDirectories(root.resolve("target"));
        Files.writeString(target.resolve("location.journal"), "newer state");
        BackupProblem refused = assertThrows(BackupProblem.class, () -> DataDirRestore.restore(backup, target, LOCK, false));
        assertTrue(refused.getMessage().contains("--force"), refused.getMessage());
        assertEquals("newer state", Files.readString(target.resolve("location.journal")));

        DataDirRestore.restore(backup, target, LOCK, true);
        assertFalse(Files.exists(target.resolve("location.journal")), "--force kept what data.dir held");
        assertEquals("hello", Files.readString(target.resolve("messages/bob/1.msg")));
    }

    @Test
    void fileNotMatchingItsManifestLineIsRefusedBeforeAnythingIsWritten() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("data/a", bytes("first"));
        files.put("data/b", bytes("second"));
        Path backup = archive(files, true);
        // the manifest as written, with b's contents changed in the archive afterwards
        Map<String, byte[]> tampered = new LinkedHashMap<>(files);
        tampered.put("data/b", bytes("SECOND"));
        Path damaged = rewrite(backup, tampered, manifestOf(files));
        Path target = Files.createDirectories(root.resolve("target"));
        BackupProblem refused = assertThrows(BackupProblem.class, () -> DataDirRestore.restore(damaged, target, LOCK, false));
        assertTrue(refused.getMessage().contains("data/b"), refused.getMessage());
        try (var left = Files.list(target)) {
            assertEquals(0, left.count(), "a damaged archive wrote into data.dir");
        }
    }

    @Test
    void namesLeavingDataDirAreRefusedAndNothingIsWritten() throws IOException {
        for (String hostile : List.of("data/../escaped", "/etc/escaped", "data//escaped", "data/./x", "other/escaped",
                "data/a\\..\\..\\escaped")) {
            Path backup = archive(Map.of(hostile, bytes("owned")), true);
            Path target = Files.createDirectories(root.resolve("target"));
            BackupProblem refused = assertThrows(BackupProblem.class,
                    () -> DataDirRestore.restore(backup, target, LOCK, false), hostile);
            assertTrue(refused.getMessage().contains("refusing the file name"), refused.getMessage());
            assertFalse(Files.exists(root.resolve("escaped")), hostile);
            try (var left = Files.list(target)) {
                assertEquals(0, left.count(), hostile);
            }
        }
    }

    @Test
    void archiveWithoutManifestOrNotGzipIsRefused() throws IOException {
        Path noManifest = archive(Map.of("data/a", bytes("x")), false);
        Path target = Files.createDirectories(root.resolve("target"));
        assertTrue(assertThrows(BackupProblem.class, () -> DataDirRestore.restore(noManifest, target, LOCK, false))
                .getMessage().contains("no " + BackupManifest.ENTRY_NAME));
        Path text = Files.writeString(root.resolve("notes.txt"), "not a backup");
        assertTrue(assertThrows(BackupProblem.class, () -> DataDirRestore.verify(text))
                .getMessage().contains("not a Liaison backup"));
    }

    @Test
    void cutOffArchiveIsRefusedAsDamaged() throws IOException {
        Path whole = archive(Map.of("data/a", bytes("x".repeat(100_000))), true);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(root.resolve("cut.tar.gz"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        BackupProblem refused = assertThrows(BackupProblem.class, () -> DataDirRestore.verify(cut));
        assertTrue(refused.getMessage().contains("damaged"), refused.getMessage());
    }

    @Test
    void manifestRoundTrips() throws BackupProblem {
        BackupManifest manifest = new BackupManifest(Instant.parse("2026-12-06T01:50:00Z"), "/var/lib/liaison",
                List.of(new BackupManifest.FileEntry("data/messages/a b/1.msg", 5, "0".repeat(64))));
        assertEquals(manifest, BackupManifest.parse(manifest.encode()));
        assertArrayEquals(manifest.encode(), BackupManifest.parse(manifest.encode()).encode());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** An archive of {@code files} as given (names unchecked), with a true manifest when {@code withManifest}. */
    private Path archive(Map<String, byte[]> files, boolean withManifest) throws IOException {
        return rewrite(null, files, withManifest ? manifestOf(files) : null);
    }

    private static BackupManifest manifestOf(Map<String, byte[]> files) {
        List<BackupManifest.FileEntry> entries = new ArrayList<>();
        files.forEach((name, bytes) -> {
            var sha = ArchiveStreams.sha256();
            sha.update(bytes);
            entries.add(new BackupManifest.FileEntry(name, bytes.length, ArchiveStreams.hex(sha)));
        });
        return new BackupManifest(Instant.now(), "/somewhere", entries);
    }

    private Path rewrite(Path unused, Map<String, byte[]> files, BackupManifest manifest) throws IOException {
        Path file = root.resolve("archive-" + UUID.randomUUID() + ".tar.gz");
        try (OutputStream out = Files.newOutputStream(file); TarArchiveOutputStream tar = ArchiveStreams.writer(out)) {
            for (Map.Entry<String, byte[]> entry : files.entrySet()) {
                ArchiveStreams.putBytes(tar, entry.getKey(), entry.getValue(), 0600, Instant.now());
            }
            if (manifest != null) {
                ArchiveStreams.putBytes(tar, BackupManifest.ENTRY_NAME, manifest.encode(), 0600, Instant.now());
            }
            tar.finish();
        }
        return file;
    }
}
