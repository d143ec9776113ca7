package org.liaison.sip.edge;

import gov.nist.javax.sip.message.SIPResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Response;

/**
 * Responses the server sent since start, by the method of the request they answer (its CSeq, RFC
 * 3261 §8.2.6.2) and status class: its own (stateful, stateless, the 100 Trying of a proxied INVITE)
 * and those it relayed from a device (§16.7), and the edge's refusals of messages no parser saw
 * ({@link StatelessRefusal}). One response is counted once, when it is handed to the stack, not at
 * each retransmission the transaction layer makes of it (§17.2.1). On the hot
 * path: one map lookup by the CSeq method the parser already holds, one array index and a
 * {@link LongAdder} increment; nothing is built per message, and nothing a client sends adds a
 * series (an unknown method counts as {@code OTHER}, a status out of 100-699 is not counted).
 */
public final class ResponsesSent {
    /** The method of a CSeq header line, long or compact form (RFC 3261 §20.16; CSeq has none). */
    private static final Pattern CSEQ_METHOD = Pattern.compile("(?im)^cseq[ \t]*:[ \t]*\\d+[ \t]+(\\S+)");
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
        // never null for a message the stack parsed or built, but a count must not fail a response already sent
        CSeqHeader cseq = ((SIPResponse) response).getCSeq();
        counted(cseq == null ? null : cseq.getMethod(), response.getStatusCode());
    }

    /**
     * Counts {@code response}, a refusal the edge wrote itself as bytes before any parser saw the request
     * ({@link StatelessRefusal}: a status line of ours, the request's CSeq line copied).
     */
    void refused(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        Matcher cseq = CSEQ_METHOD.matcher(text);
        counted(cseq.find() ? cseq.group(1) : null, Integer.parseInt(text.substring(8, 11)));
    }

    private void counted(String method, int status) {
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

    /** The label values of every series, method first: each of {@link EdgeCounters#METHODS} with each class. */
    public static List<List<String>> series() {
        return EdgeCounters.METHODS.stream().flatMap(method -> EdgeCounters.STATUS_CLASSES.stream()
                .map(statusClass -> List.of(method, statusClass))).toList();
    }
}
