package org.liaison.provisioning.enrolment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.DigestAlgorithm;

/** The file store: the contract, and what only a file shows (what it holds, when it is written, its mode). */
class EnrolmentTokensTest implements EnrolmentTokenStoreContract {
    @TempDir
    Path dataDir;

    /** A token store as a server started at {@code now} sees it: every instance reads the same file. */
    @Override
    public EnrolmentTokens at(Instant now) {
        return new EnrolmentTokens(dataDir, TTL, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void onlyATokensHashIsStored() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        assertFalse(Files.readString(dataDir.resolve(EnrolmentTokens.FILE_NAME)).contains(token));
    }

    @Test
    void aTokenLongForgottenIsUnknown() throws Exception {
        String token = at(ISSUED).issue("carol").token();
        Instant muchLater = ISSUED.plus(TTL).plus(EnrolmentTokenStore.FORGET_AFTER).plusSeconds(1);
        at(muchLater).issue("dave"); // any write forgets the old records
        assertEquals(new Redemption.Unknown(), at(muchLater).redeem(token));
    }

    /**
     * A hard link to the token file as it is now. Every write renames a new file over the old one,
     * after which the link and the file differ; the link keeps the old inode from being reused.
     */
    private Path snapshotOfTokenFile() throws Exception {
        Path link = dataDir.resolve("snapshot-" + System.nanoTime());
        return Files.createLink(link, dataDir.resolve(EnrolmentTokens.FILE_NAME));
    }

    private boolean rewrittenSince(Path snapshot) throws Exception {
        return !Files.isSameFile(snapshot, dataDir.resolve(EnrolmentTokens.FILE_NAME));
    }

    @Test
    void guessedTokensWriteNothingToDisk() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        Path before = snapshotOfTokenFile();
        for (int i = 0; i < 50; i++) {
            assertEquals(new Redemption.Unknown(), at(ISSUED).redeem("guess-" + i));
        }
        assertFalse(rewrittenSince(before), "an unknown token must not rewrite and fsync the file");
        assertEquals(new Redemption.Expired("alice"), at(ISSUED.plus(TTL)).redeem(token));
        assertFalse(rewrittenSince(before), "nor an expired one");
    }

    @Test
    void aSuccessfulRedemptionIsWritten() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        Path before = snapshotOfTokenFile();
        assertEquals(new Redemption.Accepted("alice"), at(ISSUED).redeem(token));
        assertTrue(rewrittenSince(before));
    }

    @Test
    void aFileWrittenBeforeReplacementExistedStillLoads() throws Exception {
        String fresh = "fresh-token";
        String spent = "spent-token";
        long expires = ISSUED.plus(TTL).getEpochSecond();
        Files.writeString(dataDir.resolve(EnrolmentTokens.FILE_NAME),
                DigestAlgorithm.SHA_256.hash(fresh) + " alice " + expires + " new\n"
                        + DigestAlgorithm.SHA_256.hash(spent) + " bob " + expires + " used\n");
        assertEquals(new Redemption.Used("bob"), at(ISSUED).redeem(spent));
        assertEquals(new Redemption.Accepted("alice"), at(ISSUED).redeem(fresh));
    }

    @Test
    void theTokenFileIsOwnerOnly() throws Exception {
        at(ISSUED).issue("alice");
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dataDir.resolve(EnrolmentTokens.FILE_NAME))));
    }
}
