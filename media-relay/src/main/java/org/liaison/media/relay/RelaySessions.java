package org.liaison.media.relay;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.liaison.media.CallStats;
import org.liaison.media.MediaRelay;
import org.liaison.media.MediaRelayException;
import org.liaison.media.RelayConfig;
import org.liaison.media.RelayLoad;
import org.liaison.media.relay.MediaStream.Side;
import org.liaison.media.sdp.MediaDescription;
import org.liaison.media.sdp.SessionDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay in this process: calls by Call-ID, their streams, the SDP rewriting, and the timeouts
 * that end calls whose BYE never came.
 *
 * <p>Sides: the first offer's sender is side A; the sender of the answer is side B. SDP sent by
 * one side is rewritten to the relay ports the <em>other</em> side sends to, so the offer out
 * carries side B's ports and the answer out side A's (as rtpengine does). A later answer from
 * another To tag (a second device of a forked call) re-targets side B to that device and restarts
 * learning; a re-offer from either side updates that side's endpoints and keeps the ports.
 *
 * <p>Signalling operations take one lock (they are rare next to packets, which never take it).
 */
public final class RelaySessions implements MediaRelay {
    private static final Logger log = LoggerFactory.getLogger(RelaySessions.class);

    private final RelayConfig config;
    private final RelayTransport transport;
    private final PortAllocator ports;
    private final ScheduledExecutorService timeouts;
    private final Map<String, Call> calls = new HashMap<>();
    private final LongAdder unverifiedLocks = new LongAdder();
    private final DestinationRule destinations;
    private final LearningRule learning;
    /** What ended calls forwarded and dropped, so that the totals of {@link #load()} never go down. */
    private final ForwardedTally ended = new ForwardedTally();

    private RelaySessions(RelayConfig config) {
        this.config = config;
        this.transport = new RelayTransport();
        this.ports = new PortAllocator(config.portMin(), config.portMax());
        this.destinations = new DestinationRule(config);
        this.learning = new LearningRule(config.learningWindow().toNanos(), unverifiedLocks, destinations);
        this.timeouts = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "media-relay-timeouts");
            t.setDaemon(true);
            return t;
        });
        long periodMillis = Math.max(100, Math.min(1000, config.idleTimeout().toMillis() / 4));
        timeouts.scheduleWithFixedDelay(this::endIdleCalls, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** A relay binding its ports on {@code config.address()}; close it to free them. */
    public static RelaySessions start(RelayConfig config) {
        return new RelaySessions(config);
    }

    @Override
    public synchronized String offer(String callId, String fromTag, Optional<String> toTag, String sdp,
            Optional<InetAddress> signalledFrom) throws MediaRelayException {
        SessionDescription description = SessionDescription.parse(sdp);
        Call call = calls.get(callId);
        boolean newCall = call == null;
        if (newCall) {
            call = new Call(callId, fromTag, System.nanoTime());
            calls.put(callId, call);
        }
        Side side = offerSide(call, fromTag, toTag);
        boolean relearn = newCall || !fromTag.equals(side == Side.A ? call.tagA : call.tagB);
        if (side == Side.A) {
            call.tagA = fromTag;
        } else {
            call.tagB = fromTag;
        }
        try {
            relay(call, description, side, signalledFrom, relearn, true);
        } catch (MediaRelayException e) {
            if (newCall) {
                end(call, "refused: " + e.getMessage());
            }
            throw e;
        }
        return description.toString();
    }

    @Override
    public synchronized String answer(String callId, String fromTag, String toTag, String sdp,
            Optional<InetAddress> signalledFrom) throws MediaRelayException {
        SessionDescription description = SessionDescription.parse(sdp);
        Call call = calls.get(callId);
        if (call == null) {
            throw new MediaRelayException(MediaRelayException.Reason.UNKNOWN_CALL, "no offer seen for call " + callId);
        }
        Side side = toTag.equals(call.tagA) ? Side.A : Side.B;
        boolean relearn = side == Side.B && !toTag.equals(call.tagB);
        if (side == Side.B) {
            call.tagB = toTag;
            call.answered = true;
        }
        relay(call, description, side, signalledFrom, relearn, false);
        return description.toString();
    }

    @Override
    public synchronized void delete(String callId, Optional<String> toTag) {
        Call call = calls.get(callId);
        if (call == null) {
            return;
        }
        if (toTag.isEmpty()) {
            end(call, "deleted");
        } else if (toTag.get().equals(call.tagB)) {
            for (MediaStream s : call.streams) {
                if (s != null) {
                    s.forget(Side.B);
                }
            }
            call.tagB = null;
            call.answered = false;
            call.lastSignalNanos = System.nanoTime();
        }
    }

    @Override
    public synchronized Optional<CallStats> query(String callId) {
        return Optional.ofNullable(calls.get(callId)).map(Call::stats);
    }

    /** Sums the live calls' counters (under the signalling lock, as often as a scrape: not per packet). */
    @Override
    public synchronized Optional<RelayLoad> load() {
        ForwardedTally live = new ForwardedTally();
        int streams = 0;
        for (Call call : calls.values()) {
            CallStats stats = call.stats();
            streams += stats.streams().size();
            live.add(stats);
        }
        ForwardedTally all = live.plus(ended);
        int portsFree = config.portMax() - config.portMin() + 1 - portsInUse();
        return Optional.of(new RelayLoad(calls.size(), streams, portsFree, all.packets, all.bytes, all.drops));
    }

    /** Ports reserved now (pairs times two), for tests and monitoring. */
    public int portsInUse() {
        return ports.inUse() * 2;
    }

    /**
     * Endpoints locked onto the first source at all, unchecked: private SDP address and no
     * signalled-from address (see {@link SourceLock}, rule 4). Each is also logged.
     */
    public long unverifiedLocks() {
        return unverifiedLocks.sum();
    }

    @Override
    public void close() {
        timeouts.shutdownNow();
        synchronized (this) {
            for (Call call : List.copyOf(calls.values())) {
                end(call, "relay stopped");
            }
        }
        transport.close();
    }

    /** Which side sent an offer: see the class comment. */
    private static Side offerSide(Call call, String fromTag, Optional<String> toTag) {
        if (fromTag.equals(call.tagA)) {
            return Side.A;
        }
        if (fromTag.equals(call.tagB)) {
            return Side.B;
        }
        // an unknown tag offering to side A: the callee (late offer in a 200, or a fork re-INVITing)
        return toTag.isPresent() && toTag.get().equals(call.tagA) ? Side.B : Side.A;
    }

    /**
     * Updates {@code side}'s endpoints from its SDP (signalled from {@code signalledFrom}) and rewrites
     * the SDP to the other side's relay ports.
     */
    private void relay(Call call, SessionDescription description, Side side, Optional<InetAddress> signalledFrom,
            boolean relearn, boolean isOffer) throws MediaRelayException {
        List<MediaDescription> media = description.media();
        if (!isOffer && media.size() > call.streams.size()) {
            throw new MediaRelayException(MediaRelayException.Reason.BAD_SDP,
                    "answer has " + media.size() + " media lines, the offer " + call.streams.size());
        }
        checkFamily(media);
        destinations.check(media);
        if (isOffer) {
            checkStreamCount(call, media);
        }
        Side other = side == Side.A ? Side.B : Side.A;
        for (int i = 0; i < media.size(); i++) {
            MediaDescription m = media.get(i);
            MediaStream stream = call.stream(i);
            if (m.rejected()) {
                if (stream != null) {
                    stream.close();
                    call.setStream(i, null);
                }
                continue;
            }
            if (stream == null) {
                if (!isOffer) {
                    continue; // the offer rejected it; nothing to relay
                }
                stream = MediaStream.open(transport, ports, config.address(), learning, m.rtcpMux());
                call.setStream(i, stream);
            } else if (!m.rtcpMux()) {
                stream.needRtcp();
            }
            stream.expect(side, m.rtpEndpoint(), m.rtcpEndpoint(), signalledFrom, relearn);
            m.relayVia(config.address(), stream.rtpPort(other), stream.rtcpPort(other));
        }
        if (!isOffer) {
            for (MediaStream stream : call.streams) {
                if (stream != null) {
                    stream.answered();
                }
            }
        }
        description.relayVia(config.address());
        call.lastSignalNanos = System.nanoTime();
    }

    /**
     * Refuses an offer that would leave the call with more open streams than
     * {@link RelayConfig#maxStreamsPerCall()}: those its m-lines keep or open, and those past its
     * last m-line that an earlier offer opened (RFC 3264 §8 forbids dropping m-lines, not every
     * client obeys). Checked before any port is reserved.
     */
    private void checkStreamCount(Call call, List<MediaDescription> media) throws MediaRelayException {
        int streams = call.openStreamsFrom(media.size());
        for (MediaDescription m : media) {
            if (!m.rejected()) {
                streams++;
            }
        }
        if (streams > config.maxStreamsPerCall()) {
            throw new MediaRelayException(MediaRelayException.Reason.BAD_SDP, "the offer would relay " + streams
                    + " media streams in one call; at most " + config.maxStreamsPerCall() + " are allowed");
        }
    }

    /** One relay address: media of the other IP version could not be sent from it. */
    private void checkFamily(List<MediaDescription> media) throws MediaRelayException {
        boolean relayV4 = config.address() instanceof Inet4Address;
        for (MediaDescription m : media) {
            InetAddress a = m.address();
            if (!m.rejected() && (a instanceof Inet4Address) != relayV4) {
                throw new MediaRelayException(MediaRelayException.Reason.BAD_SDP, "media on "
                        + a.getHostAddress() + " but the relay has only an IPv" + (relayV4 ? "4" : "6") + " address");
            }
        }
    }

    private void end(Call call, String why) {
        calls.remove(call.callId);
        ended.add(call.stats());
        log.info("media relay: call {} ended ({}) after {} s:{}", call.callId, why,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - call.createdNanos), call.summary());
        call.close();
    }

    /** Ends answered calls silent for the idle timeout, and unanswered calls after the longer timeout. */
    private synchronized void endIdleCalls() {
        long nowNanos = System.nanoTime();
        long nowMillis = System.currentTimeMillis();
        for (Call call : List.copyOf(calls.values())) {
            long sinceSignal = nowNanos - call.lastSignalNanos;
            long lastPacket = call.lastPacketMillis();
            long sincePacket = lastPacket == 0 ? Long.MAX_VALUE : (nowMillis - lastPacket) * 1_000_000;
            long silent = Math.min(sinceSignal, sincePacket);
            if (call.answered && silent > config.idleTimeout().toNanos()) {
                end(call, "idle " + config.idleTimeout().toSeconds() + " s");
            } else if (!call.answered && silent > config.unansweredTimeout().toNanos()) {
                end(call, "unanswered " + config.unansweredTimeout().toSeconds() + " s");
            }
        }
    }
}
