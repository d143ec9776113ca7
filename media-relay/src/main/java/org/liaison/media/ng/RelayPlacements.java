package org.liaison.media.ng;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.liaison.media.MediaRelayException;

/**
 * Which relay holds each call, recorded where every SIP server driving the same relays reads it (a cluster's
 * Redis): a call keeps its relay when the SIP server that placed it stops, when a relay is added to
 * {@code relay.servers}, or when another SIP server thinks a different relay is down. A failure to reach the
 * record is {@link MediaRelayException.Reason#UNAVAILABLE}.
 */
public interface RelayPlacements {

    /** The relay recorded for {@code callId}, or {@code chosen} recorded now when the call has none. */
    InetSocketAddress placeIfAbsent(String callId, InetSocketAddress chosen) throws MediaRelayException;

    /** The relay recorded for {@code callId}; empty when no relay holds it (never relayed, or ended). */
    Optional<InetSocketAddress> find(String callId) throws MediaRelayException;

    /** The call ended: its record goes (or expires by itself when this is never said). */
    void forget(String callId) throws MediaRelayException;
}
