package org.liaison.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.media.MediaRelayException;
import org.liaison.sip.cluster.ClusterRedis;

/** Each call's relay in a real redis-server, as two nodes of a cluster see it. */
class RedisRelayPlacementsTest {
    private static final InetSocketAddress RELAY_1 = new InetSocketAddress("192.0.2.21", 2223);
    private static final InetSocketAddress RELAY_2 = new InetSocketAddress("2001:db8::22", 2223);
    private static final Duration DIALOG_MAX = Duration.ofHours(24);

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.inMemory();
    private static ClusterRedis nodeA;
    private static ClusterRedis nodeB;

    @BeforeAll
    static void start() throws Exception {
        nodeA = ClusterRedis.connect(redis.uri());
        nodeB = ClusterRedis.connect(redis.uri());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theFirstNodeToPlaceACallWinsAndEveryNodeFindsItUntilItIsForgotten() throws Exception {
        RedisRelayPlacements a = new RedisRelayPlacements(nodeA, DIALOG_MAX);
        RedisRelayPlacements b = new RedisRelayPlacements(nodeB, DIALOG_MAX);

        assertEquals(RELAY_2, a.placeIfAbsent("call-1", RELAY_2));
        assertEquals(RELAY_2, b.placeIfAbsent("call-1", RELAY_1), "a node that chose another relay goes there too");
        assertEquals(Optional.of(RELAY_2), b.find("call-1"));
        assertEquals(Optional.empty(), b.find("call-2"));

        b.forget("call-1");
        assertEquals(Optional.empty(), a.find("call-1"));
    }

    @Test
    void aRecordLivesNoLongerThanADialogMayLast() throws Exception {
        new RedisRelayPlacements(nodeA, DIALOG_MAX).placeIfAbsent("call-1", RELAY_1);
        long ttlMs = Long.parseLong(redis.command("PTTL", "liaison:relay-call:call-1").substring(1));
        assertTrue(ttlMs > 0 && ttlMs <= DIALOG_MAX.toMillis(), "PTTL " + ttlMs);
    }

    @Test
    void anUnreadableRecordIsRefusedAsUnavailableNotFollowed() throws Exception {
        assertEquals("+OK", redis.command("SET", "liaison:relay-call:call-1", "relay.example.org 2223"));
        MediaRelayException e = assertThrows(MediaRelayException.class,
                () -> new RedisRelayPlacements(nodeA, DIALOG_MAX).find("call-1"));
        assertEquals(MediaRelayException.Reason.UNAVAILABLE, e.reason());
    }
}
