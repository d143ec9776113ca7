package org.liaison.sip.config;

import io.lettuce.core.RedisURI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether this process serves its domain alone (state in data.dir) or as one node of a cluster
 * that shares its state in Redis (issue 10).
 *
 * @param redisUri where the shared state lives, in one of lettuce's URI forms ({@code redis://},
 *                 {@code rediss://}, {@code redis-sentinel://}); empty = one machine
 * @param nodeUri  the SIP URI at which the other nodes reach this one
 *                 ({@code sip:10.0.0.11:5060;transport=udp}, {@code ;transport=tcp}, {@code ;transport=tls} or
 *                 {@code sips:10.0.0.11:5061}, a TLS one at this node's sip.tls.port); present exactly when redisUri is
 * @param tlsNames host names and addresses, lower case, that the cluster's shared TLS certificate names besides
 *                 sip.domain and each node's own (every node's names, listed before the first node starts, so that
 *                 the shared CA's name constraints cover them all); empty on one machine
 * @param waitReplicas how many of the Redis primary's replicas must hold a stored message before its 202 (WAIT), so
 *                 that a Sentinel failover loses none; 0 (the default, and on one machine) = the primary's disk alone
 */
public record ClusterSettings(Optional<String> redisUri, Optional<String> nodeUri, List<String> tlsNames,
        int waitReplicas) {
    private static final String REDIS_URI = "cluster.redis-uri";
    private static final String NODE_URI = "cluster.node-uri";
    private static final String TLS_NAMES = "cluster.tls-names";
    private static final String WAIT_REPLICAS = "cluster.redis-wait-replicas";
    /** More would be a cluster of Redis replicas no deployment here runs; a typo more likely. */
    private static final int MAX_WAIT_REPLICAS = 8;
    /** A host name (RFC 1123 labels) or an IPv4/IPv6 literal, as a certificate's subject alternative name. */
    private static final Pattern TLS_NAME = Pattern.compile(
            "([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*|[0-9a-f:.]*:[0-9a-f:.]*");
    private static final Pattern SIP_NODE_URI = Pattern.compile(
            "sips?:(\\[[0-9a-f:.]+\\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(?::([0-9]{1,5}))?(;[^;\\s]+)*");
    private static final Pattern NODE_TRANSPORT = Pattern.compile(";transport=([^;?]*)");

    public ClusterSettings {
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(nodeUri, "nodeUri");
        if (redisUri.isPresent() != nodeUri.isPresent()) {
            throw new IllegalArgumentException("redisUri and nodeUri go together");
        }
        tlsNames = List.copyOf(tlsNames);
        if (waitReplicas < 0 || waitReplicas > 0 && redisUri.isEmpty()) {
            throw new IllegalArgumentException("waitReplicas is 0 on one machine and never negative, was " + waitReplicas);
        }
    }

    /** One machine: nothing shared, every store in data.dir. */
    public static ClusterSettings standalone() {
        return new ClusterSettings(Optional.empty(), Optional.empty(), List.of(), 0);
    }

    /** True when the state is shared in Redis. */
    public boolean clustered() {
        return redisUri.isPresent();
    }

    /** The {@code cluster.*} keys; {@code tlsPort} is sip.tls.port (0: no TLS listener), which a TLS node URI names. */
    static ClusterSettings from(ConfigReader r, int tlsPort) throws ConfigException {
        String redis = r.string(REDIS_URI, "");
        String node = r.string(NODE_URI, "");
        List<String> tlsNames = r.list(TLS_NAMES, "", "a host name or an IP address",
                name -> TLS_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()
                        && (IpLiteral.parse(name) != null || !name.contains(":")) ? name.toLowerCase(Locale.ROOT) : null);
        int waitReplicas = r.integer(WAIT_REPLICAS, 0, 0, MAX_WAIT_REPLICAS);
        if (redis.isEmpty()) {
            if (!node.isEmpty() || !tlsNames.isEmpty() || waitReplicas > 0) {
                String key = !node.isEmpty() ? NODE_URI : !tlsNames.isEmpty() ? TLS_NAMES : WAIT_REPLICAS;
                throw r.problem(key, "is set but " + REDIS_URI + " is empty; it only means something in a cluster");
            }
            return standalone();
        }
        String scheme = redis.substring(0, Math.max(redis.indexOf("://"), 0)).toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") && !scheme.equals("redis-sentinel")) {
            throw r.problem(REDIS_URI, "must start with redis://, rediss:// or redis-sentinel://");
        }
        try {
            RedisURI.create(redis);
        } catch (IllegalArgumentException e) {
            // neither the value nor lettuce's message is repeated: the URI may hold a password
            throw r.problem(REDIS_URI, "is not a Redis URI (redis://[:PASSWORD@]HOST[:PORT][/DB],"
                    + " rediss://..., redis-sentinel://[:PASSWORD@]HOST[:PORT][,HOST2[:PORT2]][/DB]#MASTER)");
        }
        if (node.isEmpty()) {
            throw r.problem(NODE_URI, "must be set when " + REDIS_URI + " is: the SIP URI at which the other nodes"
                    + " reach this one, e.g. sip:10.0.0.11:5060;transport=udp");
        }
        Matcher uri = SIP_NODE_URI.matcher(node.toLowerCase(Locale.ROOT));
        if (!uri.matches()) {
            throw r.problem(NODE_URI, ConfigReader.quoted(node) + " is not a sip: or sips: URI of a host"
                    + " (e.g. sip:10.0.0.11:5060;transport=udp)");
        }
        if (IpLiteral.parse(uri.group(1)) == null) {
            // the other nodes send to it, and the server resolves no names on its own
            throw r.problem(NODE_URI, ConfigReader.quoted(node) + " names a host, not an IP address"
                    + " (e.g. sip:10.0.0.11:5060;transport=udp)");
        }
        checkTransport(r, node, uri.group(3), tlsPort);
        return new ClusterSettings(Optional.of(redis), Optional.of(node), tlsNames, waitReplicas);
    }

    /**
     * udp, tcp or tls; over TLS ({@code sips:} or {@code ;transport=tls}) the port (5061 when left out, RFC 3263 §4.2)
     * must be this node's own TLS listener, which presents the certificate the other nodes check.
     */
    private static void checkTransport(ConfigReader r, String node, String port, int tlsPort) throws ConfigException {
        String lower = node.toLowerCase(Locale.ROOT);
        Matcher transport = NODE_TRANSPORT.matcher(lower);
        String named = transport.find() ? transport.group(1) : "";
        boolean secure = lower.startsWith("sips:");
        if (!named.isEmpty() && !named.equals("udp") && !named.equals("tcp") && !named.equals("tls")
                || secure && !named.isEmpty() && !named.equals("tls")) {
            throw r.problem(NODE_URI, ConfigReader.quoted(node) + ": nodes talk over udp, tcp or tls"
                    + " (sip:ADDRESS:PORT;transport=udp, ;transport=tcp, ;transport=tls, or sips:ADDRESS:PORT)");
        }
        if (!secure && !named.equals("tls")) {
            return;
        }
        int uriPort = port == null ? 5061 : Integer.parseInt(port);
        if (tlsPort == 0 || uriPort != tlsPort) {
            throw r.problem(NODE_URI, ConfigReader.quoted(node) + " is a TLS URI, so its port must be this node's"
                    + " sip.tls.port (" + (tlsPort == 0 ? "0: no TLS listener" : tlsPort) + ")");
        }
    }
}
