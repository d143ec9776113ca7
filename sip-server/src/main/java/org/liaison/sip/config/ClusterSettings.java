package org.liaison.sip.config;

import io.lettuce.core.RedisURI;
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
 *                 ({@code sip:10.0.0.11:5060;transport=tcp}); present exactly when redisUri is
 */
public record ClusterSettings(Optional<String> redisUri, Optional<String> nodeUri) {
    private static final String REDIS_URI = "cluster.redis-uri";
    private static final String NODE_URI = "cluster.node-uri";
    private static final Pattern SIP_NODE_URI = Pattern.compile(
            "sips?:(\\[[0-9a-f:.]+\\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:[0-9]{1,5})?(;[^;\\s]+)*");

    public ClusterSettings {
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(nodeUri, "nodeUri");
        if (redisUri.isPresent() != nodeUri.isPresent()) {
            throw new IllegalArgumentException("redisUri and nodeUri go together");
        }
    }

    /** One machine: nothing shared, every store in data.dir. */
    public static ClusterSettings standalone() {
        return new ClusterSettings(Optional.empty(), Optional.empty());
    }

    /** True when the state is shared in Redis. */
    public boolean clustered() {
        return redisUri.isPresent();
    }

    /** The {@code cluster.*} keys. */
    static ClusterSettings from(ConfigReader r) throws ConfigException {
        String redis = r.string(REDIS_URI, "");
        String node = r.string(NODE_URI, "");
        if (redis.isEmpty()) {
            if (!node.isEmpty()) {
                throw r.problem(NODE_URI, "is set but " + REDIS_URI + " is empty; a node URI only means"
                        + " something in a cluster");
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
                    + " reach this one, e.g. sip:10.0.0.11:5060;transport=tcp");
        }
        Matcher uri = SIP_NODE_URI.matcher(node.toLowerCase(Locale.ROOT));
        if (!uri.matches()) {
            throw r.problem(NODE_URI, ConfigReader.quoted(node) + " is not a sip: or sips: URI of a host"
                    + " (e.g. sip:10.0.0.11:5060;transport=tcp)");
        }
        if (IpLiteral.parse(uri.group(1)) == null) {
            // the other nodes send to it, and the server resolves no names on its own
            throw r.problem(NODE_URI, ConfigReader.quoted(node) + " names a host, not an IP address"
                    + " (e.g. sip:10.0.0.11:5060;transport=tcp)");
        }
        return new ClusterSettings(Optional.of(redis), Optional.of(node));
    }
}
