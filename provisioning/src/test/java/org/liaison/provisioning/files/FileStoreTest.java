package org.liaison.provisioning.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-05T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private FileSharingSettings settings() {
        return new FileSharingSettings(dir.resolve("files"), 1000, Duration.ofDays(30), 5000, false);
    }

    @Test
    void aKeptFileIsFoundAgainAfterARestartWithItsMetadata() throws Exception {
        FileStore store = FileStore.open(settings(), NOW);
        Path upload = Files.write(store.incoming().resolve("up"), new byte[] {1, 2, 3});
        FileStore.Kept kept = store.keep("alice", upload, "C:\\Users\\a\\scan.pdf", "application/pdf").orElseThrow();
        assertFalse(Files.exists(upload), "moved, not copied");

        FileLookup.Found found = assertInstanceOf(FileLookup.Found.class, FileStore.open(settings(), NOW)
                .find(kept.token()));
        assertEquals(new StoredFile(FileToken.storageName(kept.token()), "alice", "scan.pdf", "application/pdf", 3,
                Instant.parse("2027-01-04T12:00:00Z")), found.file());
        assertEquals(3, Files.size(found.content()));
        assertEquals(4997, FileStore.open(settings(), NOW).quotaLeft("alice"));
    }

    @Test
    void halfWrittenUploadsAndFilesWithoutMetadataAreDeletedAtStart() throws Exception {
        FileStore store = FileStore.open(settings(), NOW);
        Path partial = Files.write(store.incoming().resolve("FUp_partial"), new byte[10]);
        Path orphan = Files.write(settings().directory().resolve("ab".repeat(32) + ".data"), new byte[10]);

        FileStore.open(settings(), NOW);

        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(orphan));
    }

    @Test
    void aFileOverTheQuotaLeftIsNotKept() throws Exception {
        FileStore store = FileStore.open(new FileSharingSettings(dir.resolve("files"), 1000, Duration.ofDays(1), 1500, false),
                NOW);
        assertTrue(store.keep("bob", Files.write(store.incoming().resolve("a"), new byte[1000]), "a", "x/y")
                .isPresent());
        Path second = Files.write(store.incoming().resolve("b"), new byte[600]);
        assertTrue(store.keep("bob", second, "b", "x/y").isEmpty());
        assertTrue(Files.exists(second), "left to the caller, who deletes it");
    }

    @Test
    void namesAreReducedToANameAndTypesToMediaTypes() {
        assertEquals("passwd", FileStore.displayName("../../etc/passwd"));
        assertEquals("file", FileStore.displayName(".."));
        assertEquals("file", FileStore.displayName(null));
        assertEquals("ab", FileStore.displayName("a\u0000\nb"));
        assertEquals("audio/wav;voice-recording=yes", FileStore.mediaType("audio/wav;voice-recording=yes"));
        assertEquals(FileStore.DEFAULT_TYPE, FileStore.mediaType("text/html\r\nSet-Cookie: x"));
        assertEquals(FileStore.DEFAULT_TYPE, FileStore.mediaType("nonsense"));
    }

    @Test
    void tokensAreUrlSafe256BitValuesAndOnlyWellFormedOnesAreLookedUp() {
        String token = FileToken.create();
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), token);
        assertTrue(FileToken.wellFormed(token));
        assertFalse(FileToken.wellFormed(token + "A"));
        assertFalse(FileToken.wellFormed("../" + token.substring(3)));
    }

    private FileSharingSettings sharedByNodes(long quota) {
        return new FileSharingSettings(dir.resolve("shared"), 1000, Duration.ofDays(30), quota, true);
    }

    /** A cluster whose nodes mount one directory: a link made through one node works through the other at once. */
    @Test
    void onADirectoryNodesShareALinkMadeThroughOneNodeIsFoundThroughTheOtherAndCountsAgainstTheQuota()
            throws Exception {
        FileStore nodeA = FileStore.open(sharedByNodes(1500), NOW);
        FileStore nodeB = FileStore.open(sharedByNodes(1500), NOW);

        FileStore.Kept kept = nodeA.keep("alice", Files.write(nodeA.incoming().resolve("up"), new byte[1000]),
                "photo.jpg", "image/jpeg").orElseThrow();

        FileLookup.Found found = assertInstanceOf(FileLookup.Found.class, nodeB.find(kept.token()));
        assertEquals(kept.file(), found.file());
        assertEquals(500, nodeB.quotaLeft("alice"), "the upload through the other node counts");
        assertInstanceOf(FileLookup.Unknown.class, nodeB.find(FileToken.create()));
    }

    /** Another node's upload in progress, or its bytes just moved in before their metadata, are not a leftover. */
    @Test
    void onADirectoryNodesShareOnlyLongUntouchedLeftoversAreDeleted() throws Exception {
        FileStore nodeA = FileStore.open(sharedByNodes(5000), NOW);
        Path arriving = Files.write(nodeA.incoming().resolve("FUp_arriving"), new byte[10]);
        Path justMovedIn = Files.write(sharedByNodes(5000).directory().resolve("ab".repeat(32) + ".data"),
                new byte[10]);
        Path abandoned = Files.write(nodeA.incoming().resolve("FUp_abandoned"), new byte[10]);
        Files.setLastModifiedTime(arriving, FileTime.from(NOW.instant().minusSeconds(60)));
        Files.setLastModifiedTime(justMovedIn, FileTime.from(NOW.instant().minusSeconds(60)));
        Files.setLastModifiedTime(abandoned, FileTime.from(NOW.instant().minus(FileStore.ABANDONED_AFTER)
                .minusSeconds(1)));

        FileStore.open(sharedByNodes(5000), NOW); // node B starts

        assertTrue(Files.exists(arriving));
        assertTrue(Files.exists(justMovedIn));
        assertFalse(Files.exists(abandoned));
    }
}
