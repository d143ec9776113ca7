package org.liaison.im;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.im.OfflineStoreContract.bodies;
import static org.liaison.im.OfflineStoreContract.text;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class FileOfflineStoreTest implements OfflineStoreContract {

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(START);
    private final List<FileOfflineStore> opened = new ArrayList<>();

    @Override
    public OfflineStore newStore(OfflineStoreSettings settings, MutableClock clock) throws Exception {
        return open(settings, clock);
    }

    private FileOfflineStore open() throws Exception {
        return open(SETTINGS, clock);
    }

    private FileOfflineStore open(OfflineStoreSettings settings, MutableClock clock) throws Exception {
        FileOfflineStore store = FileOfflineStore.open(dataDir, settings, clock);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(FileOfflineStore::close);
    }

    private Path bobDir() {
        return dataDir.resolve("messages").resolve("bob");
    }

    @Test
    void messagesAndAcknowledgementsSurviveCloseAndReopenSoEachDeviceGetsEachMessageOnce() throws Exception {
        FileOfflineStore first = open();
        StoredMessage one = first.store(text("bob", "one"));
        StoredMessage two = first.store(text("bob", "two"));
        first.acknowledge("bob", "desk", one.id());
        first.close();

        FileOfflineStore reopened = open();

        assertEquals(List.of(two), reopened.pendingFor("bob", "desk", 10));
        assertEquals(List.of(one, two), reopened.pendingFor("bob", "mobile", 10));
        assertEquals(2, reopened.count());
    }

    @Test
    void storeAbandonedWithoutCloseAsAfterKillMinus9LosesNoMessageAndNoAcknowledgement() throws Exception {
        FileOfflineStore crashed = open();
        List<StoredMessage> stored = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            stored.add(crashed.store(text(i % 2 == 0 ? "bob" : "carol", "m" + i)));
        }
        for (int i = 0; i < 10; i++) {
            crashed.acknowledge(stored.get(i).recipient(), "phone", stored.get(i).id());
        }
        // No close(): everything must already be on disk when each call returned.

        FileOfflineStore restarted = open();

        assertEquals(20, restarted.count());
        assertEquals(List.of("m10", "m12", "m14", "m16", "m18"), bodies(restarted.pendingFor("bob", "phone", 100)));
        assertEquals(List.of("m11", "m13", "m15", "m17", "m19"), bodies(restarted.pendingFor("carol", "phone", 100)));
        assertEquals(10, restarted.pendingFor("bob", "other-phone", 100).size());
    }

    @Test
    void idsKeepIncreasingAfterReopenWithinTheSameMillisecond() throws Exception {
        FileOfflineStore first = open();
        StoredMessage before = first.store(text("bob", "before"));

        StoredMessage after = open().store(text("bob", "after"));

        assertTrue(before.id().compareTo(after.id()) < 0, before.id() + " < " + after.id());
    }

    @Test
    void tornAcknowledgementAtTheTailIsIgnoredLoggedAndLaterAcknowledgementsStillCount() throws Exception {
        FileOfflineStore first = open();
        StoredMessage one = first.store(text("bob", "one"));
        StoredMessage two = first.store(text("bob", "two"));
        StoredMessage three = first.store(text("bob", "three"));
        first.acknowledge("bob", "phone", one.id());
        Path ackLog = bobDir().resolve("acks.log");
        byte[] intact = Files.readAllBytes(ackLog);
        first.acknowledge("bob", "phone", two.id());
        byte[] withSecond = Files.readAllBytes(ackLog);
        // A crash halfway through writing the second record.
        Files.write(ackLog, Arrays.copyOf(withSecond, intact.length + (withSecond.length - intact.length) / 2));

        ListAppender<ILoggingEvent> logged = captureLogsOf(AckLog.class);
        FileOfflineStore restarted = open();

        assertEquals(List.of(two, three), restarted.pendingFor("bob", "phone", 10));
        assertTrue(logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains("torn or corrupt")));
        restarted.acknowledge("bob", "phone", two.id());
        assertEquals(List.of(three), open().pendingFor("bob", "phone", 10));
    }

    @Test
    void corruptAcknowledgementRecordIsIgnored() throws Exception {
        FileOfflineStore first = open();
        StoredMessage one = first.store(text("bob", "one"));
        first.acknowledge("bob", "phone", one.id());
        Path ackLog = bobDir().resolve("acks.log");
        byte[] bytes = Files.readAllBytes(ackLog);
        bytes[bytes.length - 1] ^= 0x55;
        Files.write(ackLog, bytes);

        assertEquals(List.of(one), open().pendingFor("bob", "phone", 10));
    }

    @Test
    void tempFileLeftByACrashMidWriteIsDeletedAtOpenAndNeverDelivered() throws Exception {
        open().store(text("bob", "whole"));
        Path half = bobDir().resolve("1772359200001-000000.msg.tmp");
        Files.write(half, new byte[] {0x4C, 0x49, 0x4D, 0x31, 0, 0});

        FileOfflineStore restarted = open();

        assertFalse(Files.exists(half));
        assertEquals(List.of("whole"), bodies(restarted.pendingFor("bob", "phone", 10)));
        assertEquals(1, restarted.count());
    }

    @Test
    void corruptMessageFileIsMovedAsideAndNotDelivered() throws Exception {
        StoredMessage broken = open().store(text("bob", "broken"));
        Path file = bobDir().resolve(broken.id() + ".msg");
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        FileOfflineStore restarted = open();

        assertEquals(0, restarted.count());
        assertTrue(Files.exists(bobDir().resolve(broken.id() + ".msg.corrupt")));
    }

    @Test
    void filesAreReadableOnlyByTheServer() throws Exception {
        FileOfflineStore store = open();
        StoredMessage message = store.store(text("bob", "private"));
        store.acknowledge("bob", "phone", message.id());

        assertEquals("rwx------", permissions(dataDir.resolve("messages")));
        assertEquals("rwx------", permissions(bobDir()));
        assertEquals("rw-------", permissions(bobDir().resolve(message.id() + ".msg")));
        assertEquals("rw-------", permissions(bobDir().resolve("acks.log")));
    }

    @Test
    void recipientNameCannotLeaveTheStoreDirectory() throws Exception {
        FileOfflineStore store = open();
        store.store(text("../../etc/Bob", "sneaky"));

        try (Stream<Path> files = Files.walk(dataDir)) {
            assertTrue(files.allMatch(p -> p.equals(dataDir) || p.startsWith(dataDir.resolve("messages"))));
        }
        assertEquals(List.of("sneaky"), bodies(open().pendingFor("../../etc/Bob", "phone", 10)));
        assertThrows(IllegalArgumentException.class, () -> store.store(text("", "nobody")));
    }

    @Test
    void deletingTheLastMessageOfARecipientRemovesItsDirectory() throws Exception {
        FileOfflineStore store = open();
        StoredMessage message = store.store(text("bob", "hi"));
        store.acknowledge("bob", "phone", message.id());

        store.forgetDelivered("bob", Set.of("phone"));

        assertFalse(Files.exists(bobDir()));
        assertEquals(0, open().count());
    }

    @Test
    void acknowledgementsOfDeletedMessagesAreDroppedFromTheLog() throws Exception {
        FileOfflineStore store = open();
        StoredMessage gone = store.store(text("bob", "gone"));
        StoredMessage kept = store.store(text("bob", "kept"));
        store.acknowledge("bob", "phone", gone.id());
        store.acknowledge("bob", "desk", kept.id());

        store.forgetDelivered("bob", Set.of("phone"));

        assertEquals(List.of(new AckLog.Ack(kept.id(), "desk")), AckLog.replay(bobDir().resolve("acks.log")));
        assertEquals(List.of(kept), open().pendingFor("bob", "phone", 10));
    }

    @Test
    void acknowledgementsOfMessagesDeletedJustBeforeACrashAreDroppedAtOpen() throws Exception {
        FileOfflineStore crashed = open();
        StoredMessage deleted = crashed.store(text("bob", "deleted"));
        crashed.store(text("bob", "kept"));
        crashed.acknowledge("bob", "phone", deleted.id());
        // The crash came after the message file was deleted, before the log was rewritten.
        Files.delete(bobDir().resolve(deleted.id() + ".msg"));

        FileOfflineStore restarted = open();

        assertEquals(List.of(), AckLog.replay(bobDir().resolve("acks.log")));
        assertEquals(List.of("kept"), bodies(restarted.pendingFor("bob", "phone", 10)));
    }

    @Test
    void fileMovedAsideDoesNotStopTheLastMessageOfItsRecipientFromBeingDeleted() throws Exception {
        FileOfflineStore first = open();
        StoredMessage broken = first.store(text("bob", "broken"));
        first.store(text("bob", "fine"));
        Path file = bobDir().resolve(broken.id() + ".msg");
        Files.write(file, Arrays.copyOf(Files.readAllBytes(file), 10));
        FileOfflineStore restarted = open();
        StoredMessage fine = restarted.pendingFor("bob", "phone", 10).get(0);
        restarted.acknowledge("bob", "phone", fine.id());

        assertEquals(1, restarted.forgetDelivered("bob", Set.of("phone")));

        assertTrue(Files.exists(bobDir().resolve(broken.id() + ".msg.corrupt")));
        restarted.store(text("bob", "next"));
        assertEquals(List.of("next"), bodies(open().pendingFor("bob", "phone", 10)));
    }

    @Test
    void closedStoreRefusesCalls() throws Exception {
        FileOfflineStore store = open();
        store.close();

        assertThrows(IllegalStateException.class, () -> store.store(text("bob", "late")));
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static ListAppender<ILoggingEvent> captureLogsOf(Class<?> type) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
        return appender;
    }

    @Test
    void groupPostIsOneFileAndEachMembersProgressSurvivesReopen() throws Exception {
        FileOfflineStore first = open();
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            members.add("m" + i);
        }
        first.storeForMembers(new NewMessage("staff", "sip:staff@example.org", "c1", "text/plain",
                "to all".getBytes(StandardCharsets.UTF_8), "alice"), members);
        try (var files = Files.walk(dataDir.resolve("messages"))) {
            assertEquals(1, files.filter(Files::isRegularFile).count(), "one file for a 300-member post");
        }
        String id = first.pendingFor("m0", "phone", 1).get(0).id();
        first.acknowledge("m0", "phone", id);
        first.forgetDelivered("m0", Set.of("phone"));
        first.acknowledge("m1", "phone", id);
        first.close();

        FileOfflineStore reopened = open();
        assertTrue(reopened.pendingFor("m0", "tablet", 10).isEmpty(), "m0 was done with the post");
        assertTrue(reopened.pendingFor("m1", "phone", 10).isEmpty(), "m1's phone acknowledged it");
        assertEquals(List.of("to all"), OfflineStoreContract.bodies(reopened.pendingFor("m1", "tablet", 10)));
        assertEquals("m299", reopened.pendingFor("m299", "phone", 10).get(0).recipient());
        assertEquals(299, reopened.count());
    }

    @Test
    void messageFileOfTheFormerFormatStillLoadsWithItsSenderAsOrigin() throws Exception {
        Path directory = bobDir();
        Files.createDirectories(directory);
        String id = "1772359200000-000000";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(0x4C494D31); // "LIM1": no origin field
            for (String text : List.of(id, "bob", "sip:alice@example.org", "old-call", "text/plain")) {
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                out.writeInt(utf8.length);
                out.write(utf8);
            }
            for (java.time.Instant instant : List.of(START, START.plus(java.time.Duration.ofDays(7)))) {
                out.writeLong(instant.getEpochSecond());
                out.writeInt(instant.getNano());
            }
            out.writeInt(3);
            out.write("old".getBytes(StandardCharsets.UTF_8));
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(bytes.toByteArray());
            out.writeInt((int) crc.getValue());
        }
        Files.write(directory.resolve(id + ".msg"), bytes.toByteArray());

        StoredMessage loaded = open().pendingFor("bob", "phone", 10).get(0);
        assertEquals("old", new String(loaded.body(), StandardCharsets.UTF_8));
        assertEquals("sip:alice@example.org", loaded.origin());
        assertEquals("old-call", loaded.callId());
    }
}
