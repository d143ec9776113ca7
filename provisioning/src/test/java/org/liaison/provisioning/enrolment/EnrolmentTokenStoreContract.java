package org.liaison.provisioning.enrolment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every enrolment token store does, whichever way it keeps the tokens: the file store in data.dir
 * ({@code EnrolmentTokensTest}) and the cluster's Redis store (sip-server's {@code RedisEnrolmentTokensTest}).
 */
public interface EnrolmentTokenStoreContract {
    Duration TTL = Duration.ofHours(72);
    Instant ISSUED = Instant.parse("2026-01-05T09:00:00Z");

    /**
     * The store as a server whose clock says {@code now} sees it: every instance (a restarted server, another node)
     * sees the same tokens.
     */
    EnrolmentTokenStore at(Instant now);

    @Test
    default void aTokenIs256RandomBits() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        assertNotEquals(token, at(ISSUED).issue("alice").token());
    }

    @Test
    default void aTokenWorksOnceAcrossARestartThenIsUsed() throws Exception {
        String token = at(ISSUED).issue("alice").token();
        Instant later = ISSUED.plus(Duration.ofHours(1));
        assertEquals(new Redemption.Accepted("alice"), at(later).redeem(token));
        assertEquals(new Redemption.Used("alice"), at(later).redeem(token));
    }

    @Test
    default void aTokenExpiresAfterItsTimeToLive() throws Exception {
        String token = at(ISSUED).issue("bob").token();
        assertEquals(new Redemption.Expired("bob"), at(ISSUED.plus(TTL)).redeem(token));
        // and stays expired: presenting it again cannot revive it
        assertEquals(new Redemption.Expired("bob"), at(ISSUED.plus(TTL).plusSeconds(1)).redeem(token));
    }

    @Test
    default void aTokenNeverIssuedIsUnknown() throws Exception {
        at(ISSUED).issue("carol");
        assertEquals(new Redemption.Unknown(), at(ISSUED).redeem("not-a-token"));
    }

    @Test
    default void aNewLinkForAUserReplacesTheirOlderUnusedOnesOnly() throws Exception {
        String spent = at(ISSUED).issue("alice").token();
        at(ISSUED).redeem(spent);
        String lost = at(ISSUED).issue("alice").token();
        String bobs = at(ISSUED).issue("bob").token();
        String current = at(ISSUED).issue("alice").token();

        assertEquals(new Redemption.Replaced("alice"), at(ISSUED).redeem(lost), "the printout left lying around");
        assertEquals(new Redemption.Used("alice"), at(ISSUED).redeem(spent), "a spent link stays spent");
        assertEquals(new Redemption.Accepted("bob"), at(ISSUED).redeem(bobs), "other users keep theirs");
        assertEquals(new Redemption.Accepted("alice"), at(ISSUED).redeem(current));
    }

    @Test
    default void issuingForManyUsersReplacesEachUsersOwnOnly() throws Exception {
        Map<String, EnrolmentTokenStore.Issued> first = at(ISSUED).issueAll(List.of("alice", "bob"));
        Map<String, EnrolmentTokenStore.Issued> second = at(ISSUED).issueAll(List.of("alice"));

        assertEquals(new Redemption.Replaced("alice"), at(ISSUED).redeem(first.get("alice").token()));
        assertEquals(new Redemption.Accepted("bob"), at(ISSUED).redeem(first.get("bob").token()));
        assertEquals(new Redemption.Accepted("alice"), at(ISSUED).redeem(second.get("alice").token()));
        assertEquals(ISSUED.plus(TTL), second.get("alice").expires());
    }
}
