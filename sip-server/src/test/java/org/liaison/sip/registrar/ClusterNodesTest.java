package org.liaison.sip.registrar;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.stack.HopImpl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.message.SipFactories;

/** Which hops are nodes: the nodes learn of each other from Redis, at once when one joins. */
class ClusterNodesTest {
    private static final SipFactories SIP = SipFactories.create();

    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();
    private final List<ClusterRedis> connections = new ArrayList<>();

    @AfterEach
    void closeConnections() {
        connections.forEach(ClusterRedis::close);
    }

    /**
     * A node that joins is known to the others at once, not after their next periodic read (once a second at most):
     * their requests to it must carry a node's proof from the first, or it takes them for a phone's.
     */
    @Test
    void aNodeThatJustJoinedIsKnownToAnEarlierOneWellWithinASecond() throws Exception {
        ClusterNodes first = join("sip:127.0.0.1:5070;transport=udp");
        assertTrue(first.isNode(new HopImpl("127.0.0.1", 5070, "udp")), "itself");
        assertFalse(first.isNode(new HopImpl("127.0.0.1", 5080, "udp")), "no such node yet: this read starts the second");

        join("sip:127.0.0.1:5080;transport=udp");

        await().atMost(Duration.ofMillis(500)).until(() -> first.isNode(new HopImpl("127.0.0.1", 5080, "udp")));
        assertFalse(first.isNode(new HopImpl("127.0.0.1", 5090, "udp")), "a phone's hop is no node");
    }

    private ClusterNodes join(String nodeUri) throws Exception {
        ClusterRedis connection = ClusterRedis.connect(redis.uri());
        connections.add(connection);
        return ClusterNodes.join(connection, nodeUri, SIP);
    }
}
