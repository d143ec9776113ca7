package org.liaison.media.ng;

import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.liaison.media.CallStats;
import org.liaison.media.MediaRelay;
import org.liaison.media.MediaRelayException;
import org.liaison.media.MediaRelayException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives relays in other processes (ours, or rtpengine) over ng. A call always goes to the same
 * relay. Alone, a SIP server sends it to the one its Call-ID hashes to. SIP servers sharing the relays
 * (a cluster) record each call's relay in {@link RelayPlacements} at its first offer, hashing the Call-ID
 * to the first relay not marked down, and send every later command there: the call keeps its relay when
 * a relay is added, and any of them finds it. A relay that does not answer within {@link #TRIES} tries
 * is marked down for {@link #DOWN_FOR}; its calls get UNAVAILABLE (503 on the SIP side) until then
 * rather than waiting out the timeout again on every request.
 */
public final class NgMediaRelay implements MediaRelay {
    private static final Logger log = LoggerFactory.getLogger(NgMediaRelay.class);
    static final int TRIES = 3;
    static final Duration DOWN_FOR = Duration.ofSeconds(10);
    private static final Duration TRY_TIMEOUT = Duration.ofMillis(500);

    private final List<InetSocketAddress> servers;
    private final Map<InetSocketAddress, Long> downUntilNanos = new ConcurrentHashMap<>();
    private final String cookiePrefix = Long.toHexString(new SecureRandom().nextLong());
    private final AtomicLong sequence = new AtomicLong();

    /** Empty: no other SIP server drives these relays, and each call's relay is the one its Call-ID hashes to. */
    private final Optional<RelayPlacements> placements;

    private NgMediaRelay(List<InetSocketAddress> servers, Optional<RelayPlacements> placements) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no ng servers");
        }
        this.servers = List.copyOf(servers);
        this.placements = placements;
    }

    /** A client of {@code servers} (at least one), the only SIP server driving them. */
    public static NgMediaRelay to(List<InetSocketAddress> servers) {
        return new NgMediaRelay(servers, Optional.empty());
    }

    /**
     * A client of {@code servers} (at least one) that other SIP servers drive too, each call's relay recorded in
     * {@code placements}.
     */
    public static NgMediaRelay sharing(List<InetSocketAddress> servers, RelayPlacements placements) {
        return new NgMediaRelay(servers, Optional.of(placements));
    }

    @Override
    public String offer(String callId, String fromTag, Optional<String> toTag, String sdp,
            Optional<InetAddress> signalledFrom) throws MediaRelayException {
        Map<String, Object> request = command("offer", callId);
        request.put("from-tag", fromTag);
        toTag.ifPresent(t -> request.put("to-tag", t));
        request.put("sdp", sdp);
        signalledFrom.ifPresent(from -> request.put(NgControlServer.RECEIVED_FROM, receivedFrom(from)));
        Optional<InetSocketAddress> relay = relayOf(callId);
        if (relay.isPresent()) {
            return sdpOf(call(relay.get(), request));
        }
        // a call new to every SIP server: recorded before the relay hears of it, so whatever it holds is findable
        RelayPlacements recorded = placements.orElseThrow();
        try {
            return sdpOf(call(recorded.placeIfAbsent(callId, firstUp(callId)), request));
        } catch (MediaRelayException e) {
            forgetPlacement(callId); // the relay took nothing: a retry of the call may go to another
            throw e;
        }
    }

    @Override
    public String answer(String callId, String fromTag, String toTag, String sdp, Optional<InetAddress> signalledFrom)
            throws MediaRelayException {
        Map<String, Object> request = command("answer", callId);
        request.put("from-tag", fromTag);
        request.put("to-tag", toTag);
        request.put("sdp", sdp);
        signalledFrom.ifPresent(from -> request.put(NgControlServer.RECEIVED_FROM, receivedFrom(from)));
        InetSocketAddress relay = relayOf(callId).orElseThrow(
                () -> new MediaRelayException(Reason.UNKNOWN_CALL, "no media relay holds call " + callId));
        return sdpOf(call(relay, request));
    }

    @Override
    public void delete(String callId, Optional<String> toTag) {
        Map<String, Object> request = command("delete", callId);
        toTag.ifPresent(t -> request.put("to-tag", t));
        try {
            Optional<InetSocketAddress> relay = relayOf(callId);
            if (relay.isPresent()) {
                call(relay.get(), request);
            }
        } catch (MediaRelayException e) {
            // the relay's idle timeout ends the call if this delete never arrives
            log.warn("ng delete of call {} failed: {}", callId, e.getMessage());
        }
        if (toTag.isEmpty() && placements.isPresent()) {
            forgetPlacement(callId);
        }
    }

    @Override
    public Optional<CallStats> query(String callId) {
        try {
            Optional<InetSocketAddress> relay = relayOf(callId);
            if (relay.isEmpty()) {
                return Optional.empty();
            }
            Map<String, Object> reply = call(relay.get(), command("query", callId));
            return Optional.of(NgStats.fromWire(callId, reply.get("streams")));
        } catch (MediaRelayException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code server} answers ping now. */
    public boolean ping(InetSocketAddress server) {
        try {
            return "pong".equals(exchange(server, new LinkedHashMap<>(Map.of("command", "ping"))).get("result"));
        } catch (MediaRelayException e) {
            return false;
        }
    }

    /** At least one of the relays answers ping (the others are skipped while down, as for calls). */
    @Override
    public boolean reachable() {
        return servers.stream().anyMatch(this::ping);
    }

    @Override
    public void close() {
        // no standing resources: each exchange has its own socket
    }

    private static Map<String, Object> command(String name, String callId) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("command", name);
        request.put("call-id", callId);
        return request;
    }

    /** rtpengine's form of an address: {@code ["IP4", "192.0.2.1"]}. */
    private static List<String> receivedFrom(InetAddress address) {
        return List.of(address instanceof Inet6Address ? "IP6" : "IP4", NetUtil.toAddressString(address));
    }

    private static String sdpOf(Map<String, Object> reply) throws MediaRelayException {
        Object sdp = reply.get("sdp");
        if (!(sdp instanceof String)) {
            throw new MediaRelayException(Reason.UNAVAILABLE, "ng reply without sdp");
        }
        return (String) sdp;
    }

    /** From the relay {@code callId} hashes to, the first not marked down (that one when all are). */
    private InetSocketAddress firstUp(String callId) {
        int first = Math.floorMod(callId.hashCode(), servers.size());
        for (int i = 0; i < servers.size(); i++) {
            InetSocketAddress server = servers.get((first + i) % servers.size());
            if (!isDown(server)) {
                return server;
            }
        }
        return servers.get(first);
    }

    /**
     * Where a command about {@code callId} goes: the relay its Call-ID hashes to when no other SIP server drives
     * these relays, else the recorded one, empty when no relay holds the call.
     */
    private Optional<InetSocketAddress> relayOf(String callId) throws MediaRelayException {
        return placements.isEmpty() ? Optional.of(servers.get(Math.floorMod(callId.hashCode(), servers.size())))
                : placements.get().find(callId);
    }

    private void forgetPlacement(String callId) {
        try {
            placements.orElseThrow().forget(callId);
        } catch (MediaRelayException e) {
            log.warn("the relay of call {} stays recorded until it expires: {}", callId, e.getMessage());
        }
    }

    private boolean isDown(InetSocketAddress server) {
        Long down = downUntilNanos.get(server);
        return down != null && System.nanoTime() - down < 0;
    }

    /** Sends to the call's relay; an error reply becomes the exception it names. */
    private Map<String, Object> call(InetSocketAddress server, Map<String, Object> request)
            throws MediaRelayException {
        if (isDown(server)) {
            throw new MediaRelayException(Reason.UNAVAILABLE, "media relay " + server + " is down");
        }
        Map<String, Object> reply = exchange(server, request);
        if ("error".equals(reply.get("result"))) {
            throw new MediaRelayException(reasonOf(reply), "media relay " + server + ": " + reply.get("error-reason"));
        }
        return reply;
    }

    private static Reason reasonOf(Map<String, Object> reply) {
        Object named = reply.get("liaison-reason");
        for (Reason r : Reason.values()) {
            if (r.name().equals(named)) {
                return r;
            }
        }
        return Reason.UNAVAILABLE;
    }

    /** One request and its reply, retried {@link #TRIES} times; silence marks the server down. */
    private Map<String, Object> exchange(InetSocketAddress server, Map<String, Object> request)
            throws MediaRelayException {
        String cookie = cookiePrefix + "_" + sequence.incrementAndGet();
        byte[] out = new NgPacket(cookie, request).toBytes();
        byte[] in = new byte[65535];
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout((int) TRY_TIMEOUT.toMillis());
            for (int i = 0; i < TRIES; i++) {
                socket.send(new DatagramPacket(out, out.length, server));
                Map<String, Object> reply = awaitReply(socket, in, cookie);
                if (reply != null) {
                    downUntilNanos.remove(server);
                    return reply;
                }
            }
        } catch (IOException e) {
            log.warn("ng to {}: {}", server, e.toString());
        }
        downUntilNanos.put(server, System.nanoTime() + DOWN_FOR.toNanos());
        log.warn("media relay {} did not answer {}; marked down for {} s", server, request.get("command"),
                DOWN_FOR.toSeconds());
        throw new MediaRelayException(Reason.UNAVAILABLE, "media relay " + server + " does not answer");
    }

    /** The reply carrying {@code cookie}, or null once a try's timeout passed without it. */
    private static Map<String, Object> awaitReply(DatagramSocket socket, byte[] in, String cookie) throws IOException {
        long deadline = System.nanoTime() + TRY_TIMEOUT.toNanos();
        while (System.nanoTime() - deadline < 0) {
            DatagramPacket packet = new DatagramPacket(in, in.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return null;
            }
            try {
                NgPacket reply = NgPacket.parse(in, packet.getLength());
                if (reply.cookie().equals(cookie)) {
                    return reply.body();
                }
            } catch (NgException e) {
                log.debug("ng: unreadable reply: {}", e.getMessage());
            }
        }
        return null;
    }
}
