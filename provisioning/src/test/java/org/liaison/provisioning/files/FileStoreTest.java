package org.liaison.provisioning.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
        return new FileSharingSettings(dir.resolve("files"), 1000, Duration.ofDays(30), 5000);
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
        FileStore store = FileStore.open(new FileSharingSettings(dir.resolve("files"), 1000, Duration.ofDays(1), 1500),
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
}
