package org.liaison.sip.media;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the anchor remembers of one relayed call; guarded by its own monitor, which is held while
 * the relay is asked about the call, so that an ACK and a BYE handled on two threads reach the
 * relay one after the other and nothing reaches it after the call ended.
 */
final class RelayedCall {
    /** The caller whose {@link RelayedCallsPerUser} count the call takes; empty for a call another node set up. */
    final Optional<String> owner;
    /** Devices (To tags) that answered the first INVITE with SDP: each is a fork leg of the relay. */
    final Set<String> forks = new HashSet<>();
    /** The SDP sent upstream in the last 2xx of each device, by To tag, for its retransmissions. */
    final Map<String, SentAnswer> sent = new HashMap<>();
    /** The relay took an offer of the call: from then on it knows the call until it times it out. */
    boolean offered;
    /** Sweeps in a row that found the relay without the call (a relay over ng may just be unreachable). */
    int sweepsMissed;
    /** A 2xx to the first INVITE went upstream: a CANCEL can no longer end the call. */
    boolean answered;
    boolean ended;

    /** A call set up through this node, counted for {@code owner}. */
    RelayedCall(String owner) {
        this.owner = Optional.of(owner);
    }

    private RelayedCall() {
        this.owner = Optional.empty();
    }

    /**
     * A call another node of the cluster set up, which the shared relay holds, met here in mid-dialog: offered
     * and answered long ago; its caller is counted on the node that set it up, not here.
     */
    static RelayedCall setUpElsewhere() {
        RelayedCall call = new RelayedCall();
        call.offered = true;
        call.answered = true;
        return call;
    }

    record SentAnswer(long cseq, String sdp) {
    }
}
