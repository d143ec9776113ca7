package org.liaison.sip.media;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.liaison.media.MediaRelayException;
import org.liaison.media.MediaRelayException.Reason;
import org.liaison.media.ng.RelayPlacements;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.config.IpLiteral;

/**
 * Which of {@code relay.servers} holds each call, in the Redis a cluster shares:
 * {@code liaison:relay-call:CALLID} = {@code ADDRESS PORT} of the relay's ng socket, expiring after
 * {@code proxy.dialog-max-hours}, when no node accepts an in-dialog request of the call any more (its
 * Record-Route token has expired), so a call whose BYE was lost leaves no record behind. Written at the
 * call's first offer by one Lua script (first writer wins), deleted when the call ends.
 */
public final class RedisRelayPlacements implements RelayPlacements {
    private static final String PREFIX = "liaison:relay-call:";
    /** KEYS[1] the call; ARGV[1] the relay chosen, ARGV[2] the ms the record lives. The relay recorded. */
    private static final String PLACE = """
            local placed = redis.call('GET', KEYS[1])
            if placed then return placed end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return ARGV[1]
            """;

    private final ClusterRedis redis;
    private final Duration lifetime;

    /** {@code lifetime}: {@code proxy.dialog-max-hours}, the longest a call can be updated or ended through us. */
    public RedisRelayPlacements(ClusterRedis redis, Duration lifetime) {
        this.redis = redis;
        this.lifetime = lifetime;
    }

    @Override
    public InetSocketAddress placeIfAbsent(String callId, InetSocketAddress chosen) throws MediaRelayException {
        try {
            byte[] placed = redis.runScript(PLACE, ScriptOutputType.VALUE, new String[] {PREFIX + callId},
                    bytes(chosen.getAddress().getHostAddress() + " " + chosen.getPort()),
                    bytes(Long.toString(lifetime.toMillis())));
            return relayIn(callId, placed);
        } catch (RedisException e) {
            throw unavailable("record the media relay of a call", e);
        }
    }

    @Override
    public Optional<InetSocketAddress> find(String callId) throws MediaRelayException {
        try {
            byte[] placed = redis.commands().get(PREFIX + callId);
            return placed == null ? Optional.empty() : Optional.of(relayIn(callId, placed));
        } catch (RedisException e) {
            throw unavailable("find the media relay of a call", e);
        }
    }

    @Override
    public void forget(String callId) throws MediaRelayException {
        try {
            redis.commands().del(PREFIX + callId);
        } catch (RedisException e) {
            throw unavailable("forget the media relay of an ended call", e);
        }
    }

    /** The outage is logged once (SharedStateHealth); the SIP side answers UNAVAILABLE 503. */
    private MediaRelayException unavailable(String what, RedisException e) {
        return new MediaRelayException(Reason.UNAVAILABLE, redis.health().unavailable(what, e).getMessage());
    }

    private static InetSocketAddress relayIn(String callId, byte[] record) throws MediaRelayException {
        String text = new String(record, StandardCharsets.UTF_8);
        int space = text.indexOf(' ');
        InetAddress address = space < 0 ? null : IpLiteral.parse(text.substring(0, space));
        try {
            if (address != null) {
                return new InetSocketAddress(address, Integer.parseInt(text.substring(space + 1)));
            }
        } catch (IllegalArgumentException e) {
            // not a port: refused below like any other unreadable record
        }
        throw new MediaRelayException(Reason.UNAVAILABLE, "unreadable media relay record of call " + callId);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
