package org.liaison.provisioning.enrolment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnrolmentTokensTest {
    private static final Duration TTL = Duration.ofHours(72);
    private static final Instant ISSUED = Instant.parse("2026-01-05T09:00:00Z");

    @TempDir
    Path dataDir;

    /** A token store as a server started at {@code now} sees it: every instance reads the same file. */
    private EnrolmentTokens at(Instant now) {
        return new EnrolmentTokens(dataDir, TTL, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aTokenIs256RandomBitsAndOnlyItsHashIsStored() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        assertNotEquals(token, at(ISSUED).issue("alice").token());
        assertFalse(Files.readString(dataDir.resolve(EnrolmentTokens.FILE_NAME)).contains(token));
    }

    @Test
    void aTokenWorksOnceAcrossARestartThenIsUsed() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        Instant later = ISSUED.plus(Duration.ofHours(1));
        assertEquals(new Redemption.Accepted("alice"), at(later).redeem(token));
        assertEquals(new Redemption.Used("alice"), at(later).redeem(token));
    }

    @Test
    void aTokenExpiresAfterItsTimeToLive() throws Exception {
        String token = at(ISSUED).issue("bob").token();
        assertEquals(new Redemption.Expired("bob"), at(ISSUED.plus(TTL)).redeem(token));
        // and stays expired: presenting it again cannot revive it
        assertEquals(new Redemption.Expired("bob"), at(ISSUED.plus(TTL).plusSeconds(1)).redeem(token));
    }

    @Test
    void aTokenNeverIssuedOrLongForgottenIsUnknown() throws Exception {
        String token = at(ISSUED).issue("carol").token();
        assertEquals(new Redemption.Unknown(), at(ISSUED).redeem("not-a-token"));
        Instant muchLater = ISSUED.plus(TTL).plus(EnrolmentTokens.FORGET_AFTER).plusSeconds(1);
        at(muchLater).issue("dave"); // any write forgets the old records
        assertEquals(new Redemption.Unknown(), at(muchLater).redeem(token));
    }
}
