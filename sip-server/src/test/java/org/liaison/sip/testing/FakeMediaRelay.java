package org.liaison.sip.testing;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.liaison.media.CallStats;
import org.liaison.media.MediaRelay;
import org.liaison.media.MediaRelayException;

/**
 * A media relay that records what the SIP side asked of it ("offer CALL-ID FROM-TAG TO-TAG",
 * "answer ...", "delete CALL-ID TO-TAG", "-" for no tag), apart from that where each offer and
 * answer was signalled from ("offer ADDRESS", "answer -" when unknown), and rewrites every c= line to
 * {@link #ADDRESS} and every m= port to {@link #PORT}, so a test sees which SDP went through it.
 */
public final class FakeMediaRelay implements MediaRelay {
    public static final String ADDRESS = "203.0.113.7";
    public static final int PORT = 35000;

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> signalledFrom = new CopyOnWriteArrayList<>();
    private final Set<String> calls = ConcurrentHashMap.newKeySet();
    private final Queue<MediaRelayException> failures = new ArrayDeque<>();

    /** The next offer fails with {@code reason}. */
    public synchronized void failNextOffer(MediaRelayException.Reason reason) {
        failures.add(new MediaRelayException(reason, "fake relay says " + reason));
    }

    public List<String> events() {
        return List.copyOf(events);
    }

    public List<String> signalledFrom() {
        return List.copyOf(signalledFrom);
    }

    @Override
    public String offer(String callId, String fromTag, Optional<String> toTag, String sdp, Optional<InetAddress> from)
            throws MediaRelayException {
        synchronized (this) {
            if (!failures.isEmpty()) {
                throw failures.remove();
            }
        }
        events.add("offer " + callId + " " + fromTag + " " + toTag.orElse("-"));
        signalledFrom.add("offer " + from.map(InetAddress::getHostAddress).orElse("-"));
        calls.add(callId);
        return rewrite(sdp);
    }

    @Override
    public String answer(String callId, String fromTag, String toTag, String sdp, Optional<InetAddress> from)
            throws MediaRelayException {
        events.add("answer " + callId + " " + fromTag + " " + toTag);
        signalledFrom.add("answer " + from.map(InetAddress::getHostAddress).orElse("-"));
        if (!calls.contains(callId)) {
            throw new MediaRelayException(MediaRelayException.Reason.UNKNOWN_CALL, "no call " + callId);
        }
        return rewrite(sdp);
    }

    @Override
    public void delete(String callId, Optional<String> toTag) {
        events.add("delete " + callId + " " + toTag.orElse("-"));
        if (toTag.isEmpty()) {
            calls.remove(callId);
        }
    }

    @Override
    public Optional<CallStats> query(String callId) {
        return calls.contains(callId) ? Optional.of(new CallStats(callId, List.of())) : Optional.empty();
    }

    /** Forgets a call as a relay does when its streams time out (a lost BYE). */
    public void timeOut(String callId) {
        calls.remove(callId);
    }

    @Override
    public void close() {
        calls.clear();
    }

    private static String rewrite(String sdp) {
        return sdp.replaceAll("(?m)^c=IN IP4 \\S+", "c=IN IP4 " + ADDRESS)
                .replaceAll("(?m)^m=(\\w+) [1-9]\\d*", "m=$1 " + PORT);
    }
}
