package org.liaison.sip.edge;

import gov.nist.javax.sip.message.SIPResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import javax.sip.message.Response;

/**
 * Responses the server sent since start, by the method of the request they answer (its CSeq, RFC
 * 3261 §8.2.6.2) and status class: its own (stateful, stateless, the 100 Trying of a proxied INVITE)
 * and those it relayed from a device (§16.7). One response is counted once, when it is handed to
 * the stack, not at each retransmission the transaction layer makes of it (§17.2.1). On the hot
 * path: one map lookup by the CSeq method the parser already holds, one array index and a
 * {@link LongAdder} increment; nothing is built per message, and nothing a client sends adds a
 * series (an unknown method counts as {@code OTHER}, a status out of 100-699 is not counted).
 */
public final class ResponsesSent {
    private final Map<String, LongAdder[]> byMethod = new HashMap<>();

    ResponsesSent() {
        for (String method : EdgeCounters.METHODS) {
            LongAdder[] classes = new LongAdder[EdgeCounters.STATUS_CLASSES.size()];
            for (int i = 0; i < classes.length; i++) {
                classes[i] = new LongAdder();
            }
            byMethod.put(method, classes);
        }
    }

    /** Counts {@code response}, sent now. */
    public void sent(Response response) {
        counted(((SIPResponse) response).getCSeq().getMethod(), response.getStatusCode());
    }

    /** Counts a response the edge wrote itself, before any parser saw the request ({@link StatelessRefusal}). */
    void counted(String method, int status) {
        int statusClass = status / 100 - 1;
        if (statusClass < 0 || statusClass >= EdgeCounters.STATUS_CLASSES.size()) {
            return;
        }
        LongAdder[] classes = method == null ? null : byMethod.get(method);
        (classes == null ? byMethod.get("OTHER") : classes)[statusClass].increment();
    }

    /** Responses sent since start answering {@code method} ({@link EdgeCounters#METHODS}), of {@code statusClass}. */
    public long count(String method, String statusClass) {
        return byMethod.get(method)[EdgeCounters.STATUS_CLASSES.indexOf(statusClass)].sum();
    }

    /** The label values of every series, method first: {@link EdgeCounters#METHODS} × {@link EdgeCounters#STATUS_CLASSES}. */
    public static List<List<String>> series() {
        return EdgeCounters.METHODS.stream().flatMap(method -> EdgeCounters.STATUS_CLASSES.stream()
                .map(statusClass -> List.of(method, statusClass))).toList();
    }
}
