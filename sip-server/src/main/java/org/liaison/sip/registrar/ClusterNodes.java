package org.liaison.sip.registrar;

import io.lettuce.core.RedisException;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import javax.sip.address.Hop;
import javax.sip.address.SipURI;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.message.SipFactories;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node and the other nodes of its cluster, by the {@code cluster.node-uri} each one adds to the Redis set
 * {@code liaison:nodes} when it starts, so the admin lists them nowhere else. A node forwards to another node on
 * its own in two cases only: a request for a device whose flow ends there (a binding it owns, handed over with a
 * token), and an in-dialog request following another node's Record-Route. Those hops pass
 * {@code security.allowed-destinations} as nodes; no client can name one as a destination of its own, since only
 * the node set admits them. A node that is retired stays in the set until the admin removes it
 * ({@code SREM liaison:nodes URI}): it is a hop the cluster may still send to, never one a stranger chooses.
 */
public final class ClusterNodes {
    static final String KEY = "liaison:nodes";
    /** Where a node that joined says so, so the others know it at once (a request to it carries a node's proof). */
    static final String JOINED_CHANNEL = "liaison:nodes-joined";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNodes.class);
    /** How often an unknown hop may make a node read the set again (a node started since). */
    private static final long REFRESH_NANOS = 1_000_000_000L;

    private record NodeAddress(InetAddress address, int port) {
    }

    private final String self;
    private final ClusterRedis redis;
    private final SipFactories sip;
    private volatile Set<NodeAddress> known;
    private volatile long readAt;
    /** A node joined since the last read: read again at the next question, whatever the hop. */
    private volatile boolean stale;

    private ClusterNodes(String self, ClusterRedis redis, SipFactories sip, Set<NodeAddress> known) {
        this.self = self;
        this.redis = redis;
        this.sip = sip;
        this.known = Set.copyOf(known);
        this.readAt = System.nanoTime();
    }

    /** One machine: no node, not even this one (bindings name none). */
    public static ClusterNodes standalone() {
        return new ClusterNodes("", null, null, Set.of());
    }

    /**
     * This node ({@code self}, its {@code cluster.node-uri}) joins the cluster sharing {@code redis}: it adds itself
     * to the node set and reads the others.
     *
     * @throws IllegalArgumentException when {@code self} is not a SIP URI of an IP literal
     * @throws org.liaison.sip.cluster.SharedStateUnavailable when Redis does not answer
     */
    public static ClusterNodes join(ClusterRedis redis, String self, SipFactories sip) {
        if (addressOf(self, sip) == null) {
            throw new IllegalArgumentException("cluster.node-uri " + self + " is not a SIP URI of an IP address");
        }
        ClusterNodes nodes = new ClusterNodes(self, redis, sip, Set.of());
        try {
            // subscribed before joining and reading, so no node that joins meanwhile goes unheard; the connection
            // closes with the client, when the server closes ClusterRedis
            StatefulRedisPubSubConnection<String, byte[]> joins = redis.connectPubSub();
            joins.addListener(nodes.new JoinListener());
            joins.sync().subscribe(JOINED_CHANNEL);
            redis.commands().sadd(KEY, self.getBytes(StandardCharsets.UTF_8));
            redis.commands().publish(JOINED_CHANNEL, self.getBytes(StandardCharsets.UTF_8));
        } catch (RedisException e) {
            throw redis.health().unavailable("add this node to " + KEY, e);
        }
        nodes.read();
        return nodes;
    }

    /** This node's {@code cluster.node-uri}; empty on one machine. */
    public String self() {
        return self;
    }

    /** Whether {@code hop} (an IP literal and port) is a node of this cluster, this one included. */
    public boolean isNode(Hop hop) {
        InetAddress address = IpLiteral.parse(hop.getHost());
        return address != null && isNode(new InetSocketAddress(address, hop.getPort()));
    }

    /** Whether a node of this cluster listens at {@code listener} (the peer of a connection this node opened). */
    public boolean isNode(InetSocketAddress listener) {
        NodeAddress wanted = new NodeAddress(listener.getAddress(), listener.getPort());
        return wanted.address() != null && knows(node -> node.equals(wanted));
    }

    /**
     * Whether {@code address} is the address of a node of this cluster: where a request another node forwarded
     * comes from (over TCP from any port, so the port is not compared).
     */
    public boolean isNodeAddress(String address) {
        InetAddress wanted = IpLiteral.parse(address);
        return wanted != null && knows(node -> node.address().equals(wanted));
    }

    private boolean knows(Predicate<NodeAddress> wanted) {
        if (redis == null) {
            return false;
        }
        if (stale || known.stream().noneMatch(wanted) && System.nanoTime() - readAt > REFRESH_NANOS) {
            read();
        }
        return known.stream().anyMatch(wanted);
    }

    private void read() {
        readAt = System.nanoTime();
        stale = false;
        try {
            Set<NodeAddress> read = new HashSet<>();
            for (byte[] uri : redis.commands().smembers(KEY)) {
                NodeAddress node = addressOf(new String(uri, StandardCharsets.UTF_8), sip);
                if (node != null) {
                    read.add(node);
                }
            }
            known = Set.copyOf(read);
        } catch (RedisException e) {
            // the nodes known so far stay known; a node started during the outage is learnt on a later miss
            LOG.debug("cannot read {} now: {}", KEY, e.toString());
        }
    }

    /**
     * Marks the set stale when a node joins, or when the subscription comes back (joins may have been missed); it
     * does not read here, on lettuce's event loop, where a blocking command could wait for itself.
     */
    private final class JoinListener extends RedisPubSubAdapter<String, byte[]> {
        @Override
        public void message(String channel, byte[] nodeUri) {
            stale = true;
        }

        @Override
        public void subscribed(String channel, long count) {
            stale = true;
        }
    }

    private static NodeAddress addressOf(String nodeUri, SipFactories sip) {
        try {
            Hop hop = TargetResolver.hopOf((SipURI) sip.addresses().createURI(nodeUri));
            InetAddress address = IpLiteral.parse(hop.getHost());
            return address == null ? null : new NodeAddress(address, hop.getPort());
        } catch (ParseException | ClassCastException e) {
            return null;
        }
    }
}
