package org.liaison.sip.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("test.journal");
    }

    private List<String> replay() throws IOException {
        List<String> records = new ArrayList<>();
        Journal.open(file(), INTERVAL, r -> records.add(new String(r, StandardCharsets.UTF_8))).close();
        return records;
    }

    private void write(String... records) throws IOException {
        try (Journal journal = Journal.open(file(), INTERVAL, r -> { })) {
            for (String record : records) {
                journal.append(record.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void recordsAreReplayedInTheOrderTheyWereAppended() throws IOException {
        write("one", "two");
        write("three");

        assertEquals(List.of("one", "two", "three"), replay());
    }

    @Test
    void anEmptyRecordIsARecord() throws IOException {
        write("", "after");

        assertEquals(List.of("", "after"), replay());
    }

    @Test
    void aTornHeaderAtTheTailIsCutOff() throws IOException {
        write("kept");
        long good = Files.size(file());
        Files.write(file(), new byte[] {0, 0, 0}, StandardOpenOption.APPEND);

        assertEquals(List.of("kept"), replay());
        assertEquals(good, Files.size(file()));
    }

    @Test
    void aRecordLongerThanTheFileIsCutOff() throws IOException {
        write("kept", "torn");
        long full = Files.size(file());
        truncate(full - 2);

        assertEquals(List.of("kept"), replay());
        assertEquals(full - ("torn".length() + 8), Files.size(file()));
    }

    @Test
    void aRecordWithABadChecksumIsCutOffWithEverythingAfterIt() throws IOException {
        write("kept", "flipped", "after");
        byte[] bytes = Files.readAllBytes(file());
        int flippedPayload = 8 + "kept".length() + 8;
        bytes[flippedPayload] ^= 0x20;
        Files.write(file(), bytes);

        assertEquals(List.of("kept"), replay());
    }

    @Test
    void aNegativeLengthIsCutOff() throws IOException {
        write("kept");
        Files.write(file(), ByteBuffer.allocate(12).putInt(-5).putInt(0).putInt(7).array(), StandardOpenOption.APPEND);

        assertEquals(List.of("kept"), replay());
    }

    @Test
    void appendsAfterACutGoWhereTheTornRecordWas() throws IOException {
        write("kept");
        Files.write(file(), new byte[] {9, 9, 9, 9, 9}, StandardOpenOption.APPEND);
        write("next");

        assertEquals(List.of("kept", "next"), replay());
    }

    @Test
    void theSizeIsTheFilesFromOpenThroughAppends() throws IOException {
        write("kept");
        Files.write(file(), new byte[] {9, 9, 9, 9, 9}, StandardOpenOption.APPEND);
        try (Journal journal = Journal.open(file(), INTERVAL, r -> { })) {
            assertEquals(8 + "kept".length(), journal.size(), "the torn tail cut off");
            journal.append(bytes("next"));
            assertEquals(Files.size(file()), journal.size());
        }
    }

    @Test
    void rewriteReplacesEverythingAndLaterAppendsFollowIt() throws IOException {
        try (Journal journal = Journal.open(file(), INTERVAL, r -> { })) {
            journal.append(bytes("old-1"));
            journal.append(bytes("old-2"));
            journal.rewrite(List.of(bytes("snapshot")));
            journal.append(bytes("new"));
            assertEquals(8 + "snapshot".length() + 8 + "new".length(), journal.size());
        }

        assertEquals(List.of("snapshot", "new"), replay());
        assertFalse(Files.exists(dir.resolve("test.journal.tmp")));
    }

    @Test
    void aLeftoverTemporaryFileFromAnInterruptedRewriteIsIgnored() throws IOException {
        write("real");
        Files.write(dir.resolve("test.journal.tmp"), bytes("half a snapshot"));

        assertEquals(List.of("real"), replay());
        assertFalse(Files.exists(dir.resolve("test.journal.tmp")));
    }

    @Test
    void aReplayThatFailsFailsTheOpen() throws IOException {
        write("unreadable");

        assertThrows(IllegalStateException.class, () -> Journal.open(file(), INTERVAL, r -> {
            throw new IllegalStateException("unknown version");
        }));
        assertEquals(List.of("unreadable"), replay());
    }

    @Test
    void theJournalIsReadableByItsOwnerOnly() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        write("secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));

        try (Journal journal = Journal.open(file(), INTERVAL, r -> { })) {
            journal.rewrite(List.of(bytes("snapshot")));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file())));
    }

    @Test
    void recordsOfAnyByteValueSurviveUnchanged() throws IOException {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        try (Journal journal = Journal.open(file(), INTERVAL, r -> { })) {
            journal.append(all);
        }
        List<byte[]> replayed = new ArrayList<>();
        Journal.open(file(), INTERVAL, replayed::add).close();

        assertEquals(1, replayed.size());
        assertArrayEquals(all, replayed.get(0));
    }

    private void truncate(long size) throws IOException {
        try (var channel = java.nio.channels.FileChannel.open(file(), StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
