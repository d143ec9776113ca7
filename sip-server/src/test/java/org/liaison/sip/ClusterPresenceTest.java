package org.liaison.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.Subscriber;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Presence in cluster mode (docs/cluster.md): subscriptions stay on the node the subscriber uses, and
 * registrations, shared in a real redis-server, are seen by every node's watchers.
 */
class ClusterPresenceTest {
    private static final String BOB = "sip:bob@" + TestServer.DOMAIN;

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(node(redis.uri()));
    @Agent TestUa alice;

    private static TestServer.Builder node(String redisUri) {
        return TestServer.builder().user("alice", "alice-secret", "1001").user("bob", "bob-secret", "1002")
                .property("cluster.redis-uri", redisUri).property("cluster.node-uri", "sip:127.0.0.1;transport=udp")
                .property("presence.notify-interval-ms", "0");
    }

    @Test
    void aWatcherOnOneNodeSeesAColleagueRegisterAndLeaveThroughAnother() throws Exception {
        TestServer nodeB = liaison.own(node(redis.uri()).start(liaison.directory().resolve("node-b")));
        TestUa bobOnB = liaison.own(new TestUa("bob", nodeB));
        Subscriber watcher = new Subscriber(alice, "alice-secret");
        assertEquals(200, watcher.subscribe(BOB, 600).status());
        assertTrue(watcher.awaitNotify().body().contains("<basic>closed</basic>"));

        String callId = UUID.randomUUID().toString();
        assertEquals(200, bobOnB.sendWithAuth(bobOnB.registerRequest(callId, 3600, ""), "bob-secret").status());
        // node A learns of it at its next sweep (every 5 s): the registration is in Redis, the REGISTER was not here
        assertTrue(watcher.awaitNotify(200, Duration.ofSeconds(12)).body().contains("<basic>open</basic>"));

        assertEquals(200, bobOnB.sendWithAuth(bobOnB.registerRequest(callId, 0, ""), "bob-secret").status());
        assertTrue(watcher.awaitNotify(200, Duration.ofSeconds(12)).body().contains("<basic>closed</basic>"));
        assertEquals(1, liaison.server().server().presence().count());
        assertEquals(0, nodeB.server().presence().count(), "subscriptions stay on the subscriber's node");
    }
}
