package org.liaison.media;

import java.net.InetAddress;
import java.util.Optional;

/**
 * What the SIP server asks of a media relay, in the rtpengine "ng" vocabulary: the relay owns the
 * SDP rewriting, so the SIP side only says which dialog leg an offer or answer belongs to. One
 * implementation runs in process ({@code relay.RelaySessions.start}); another drives a relay process
 * (ours or rtpengine) over ng ({@code ng.NgMediaRelay.to}). Both depend on this package, never the reverse.
 *
 * <p>A call is identified by its Call-ID; its sides by the From tag of the request that carried the
 * first offer ({@code fromTag}) and the To tag of each answering device ({@code toTag}).
 */
public interface MediaRelay extends AutoCloseable {

    /**
     * An SDP offer from the side {@code fromTag} (INVITE, re-INVITE, UPDATE, or a 200 to an INVITE
     * without SDP; for a re-INVITE sent by the callee {@code fromTag} is the callee's tag and
     * {@code toTag} the caller's). Returns the SDP to send on, pointing at the relay.
     *
     * <p>{@code signalledFrom}: the IP address the message carrying the offer came from (the
     * request's source, or the answering device's for an offer in a 200): the relay learns that
     * side's media source from it, and only from it when the SDP address is private (ng:
     * {@code received-from}).
     */
    String offer(String callId, String fromTag, Optional<String> toTag, String sdp, Optional<InetAddress> signalledFrom)
            throws MediaRelayException;

    /** An offer whose signalling source is unknown: see {@link #offer(String, String, Optional, String, Optional)}. */
    default String offer(String callId, String fromTag, Optional<String> toTag, String sdp) throws MediaRelayException {
        return offer(callId, fromTag, toTag, sdp, Optional.empty());
    }

    /**
     * The SDP answer from {@code toTag} to the last offer of {@code fromTag}; returns the SDP to send
     * on. {@code signalledFrom}: the IP address the message carrying the answer came from.
     */
    String answer(String callId, String fromTag, String toTag, String sdp, Optional<InetAddress> signalledFrom)
            throws MediaRelayException;

    /** An answer whose signalling source is unknown: see {@link #answer(String, String, String, String, Optional)}. */
    default String answer(String callId, String fromTag, String toTag, String sdp) throws MediaRelayException {
        return answer(callId, fromTag, toTag, sdp, Optional.empty());
    }

    /**
     * Ends the call's relaying (BYE, CANCEL, failed call): with a {@code toTag}, only that fork's
     * leg; without, the whole call. Unknown calls are ignored.
     */
    void delete(String callId, Optional<String> toTag);

    /** Counters of a call, empty for an unknown call. */
    Optional<CallStats> query(String callId);

    /**
     * The relay's load, when this process can read it (the relay in process); empty for a relay
     * controlled over ng, whose figures are that process's own.
     */
    default Optional<RelayLoad> load() {
        return Optional.empty();
    }

    /** Whether the relay answers now (health checks); a relay in this process always does. */
    default boolean reachable() {
        return true;
    }

    @Override
    void close();
}
