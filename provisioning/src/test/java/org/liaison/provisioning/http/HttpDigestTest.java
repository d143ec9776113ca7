package org.liaison.provisioning.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.DigestAlgorithm;

class HttpDigestTest {
    private static final String PATH = "/config/alice";

    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    @Test
    void rightCredentialsOnAnExpiredNonceAreStaleAndWrongOnesAreRefused() throws Exception {
        AccountSnapshot accounts = TestAccounts.load(dir);
        HandClock clock = new HandClock();
        HttpDigest digest = new HttpDigest(TestAccounts.DOMAIN, () -> accounts, clock);
        String challenge = digest.challenges(false).get(0);
        String right = HttpsClient.authorization(challenge, PATH, DigestAlgorithm.SHA_256, "alice", TestAccounts.DOMAIN,
                TestAccounts.password("alice"), "00000001");
        String wrong = HttpsClient.authorization(challenge, PATH, DigestAlgorithm.SHA_256, "alice",
                TestAccounts.DOMAIN, "guess", "00000001");

        clock.now = clock.now.plus(HttpDigest.NONCE_LIFETIME).plus(Duration.ofSeconds(1));
        assertEquals(new DigestVerdict.Stale("alice"), digest.verify(right, "GET", PATH));
        assertEquals(new DigestVerdict.Refused("alice"), digest.verify(wrong, "GET", PATH));
        assertInstanceOf(DigestVerdict.Refused.class, digest.verify(right, "GET", "/config/bob"), "another target");
    }

    @Test
    void aNonceThatIsNotOursIsRefused() throws Exception {
        AccountSnapshot accounts = TestAccounts.load(dir);
        HttpDigest ours = new HttpDigest(TestAccounts.DOMAIN, () -> accounts, Clock.systemUTC());
        HttpDigest another = new HttpDigest(TestAccounts.DOMAIN, () -> accounts, Clock.systemUTC());
        String signed = HttpsClient.authorization(another.challenges(false).get(0), PATH, DigestAlgorithm.SHA_256,
                "alice", TestAccounts.DOMAIN, TestAccounts.password("alice"), "00000001");
        assertEquals(new DigestVerdict.Refused("alice"), ours.verify(signed, "GET", PATH));
        assertInstanceOf(DigestVerdict.Signed.class, another.verify(signed, "GET", PATH));
    }
}
