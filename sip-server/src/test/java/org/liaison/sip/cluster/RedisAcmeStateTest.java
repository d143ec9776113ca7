package org.liaison.sip.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.EmptiedRedis;

/**
 * ACME's shared state on a real redis-server, as two nodes (each its own connection) see it: one lease at a time,
 * given up only by its holder and free after its term when a node dies holding it; a certificate published only
 * under the lease, with a growing version; the first account key kept; HTTP-01 tokens that expire.
 */
class RedisAcmeStateTest {
    @RegisterExtension
    static final EmptiedRedis redis = new EmptiedRedis();
    private static final Duration TERM = Duration.ofSeconds(30);
    private ClusterRedis connectionA;
    private ClusterRedis connectionB;
    private RedisAcmeState nodeA;
    private RedisAcmeState nodeB;

    @BeforeEach
    void connect() throws Exception {
        connectionA = ClusterRedis.connect(redis.uri());
        connectionB = ClusterRedis.connect(redis.uri());
        nodeA = new RedisAcmeState(connectionA);
        nodeB = new RedisAcmeState(connectionB);
    }

    @AfterEach
    void disconnect() {
        connectionA.close();
        connectionB.close();
    }

    @Test
    void oneNodeHoldsTheLeaseAndOnlyItCanGiveItUp() throws Exception {
        assertTrue(nodeA.takeLease("a", TERM));
        assertFalse(nodeB.takeLease("b", TERM), "held by A");
        assertTrue(nodeA.takeLease("a", TERM), "A extends its own");

        nodeB.releaseLease("b"); // not B's: compare and delete leaves it
        assertFalse(nodeB.takeLease("b", TERM));
        nodeA.releaseLease("a");
        assertTrue(nodeB.takeLease("b", TERM));
    }

    @Test
    void aLeaseWhoseHolderDiedIsFreeAfterItsTerm() throws Exception {
        assertTrue(nodeA.takeLease("a", Duration.ofMillis(300)));
        assertFalse(nodeB.takeLease("b", TERM));
        await().atMost(Duration.ofSeconds(5)).until(() -> nodeB.takeLease("b", TERM));
    }

    @Test
    void aCertificateIsPublishedOnlyUnderTheLeaseAndEachOneGetsANewVersion() throws Exception {
        assertEquals(0, nodeB.certificateVersion());
        assertEquals(0, nodeA.publishCertificate("a", "first"), "no lease, nothing published");
        assertEquals(Optional.empty(), nodeB.certificate());

        assertTrue(nodeA.takeLease("a", TERM));
        assertEquals(1, nodeA.publishCertificate("a", "first"));
        assertEquals(0, nodeB.publishCertificate("b", "stale"), "B's lease ran out: A's stays");
        assertEquals(2, nodeA.publishCertificate("a", "second"));
        assertEquals(2, nodeB.certificateVersion());
        assertEquals(Optional.of("second"), nodeB.certificate());
    }

    @Test
    void theFirstAccountKeyIsKept() throws Exception {
        assertEquals(Optional.empty(), nodeA.accountKey());
        assertEquals("key of a", nodeA.keepAccountKey("key of a"));
        assertEquals("key of a", nodeB.keepAccountKey("key of b"), "B uses A's account");
        assertEquals(Optional.of("key of a"), nodeB.accountKey());
    }

    @Test
    void aChallengeTokenPublishedByOneNodeIsAnsweredByAnotherUntilWithdrawnOrExpired() throws Exception {
        nodeA.publishChallenge("tok1", "tok1.thumbprint", TERM);
        assertEquals(Optional.of("tok1.thumbprint"), nodeB.challenge("tok1"));
        nodeA.withdrawChallenge("tok1");
        assertEquals(Optional.empty(), nodeB.challenge("tok1"));

        nodeA.publishChallenge("tok2", "tok2.thumbprint", Duration.ofMillis(200));
        await().atMost(Duration.ofSeconds(5)).until(() -> nodeB.challenge("tok2").isEmpty());
    }
}
