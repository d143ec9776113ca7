package org.liaison.sip.edge;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the edge took in and sent since start, read by the admin listener: requests by method,
 * responses received by status class, responses sent by method and status class
 * ({@link ResponsesSent}), and messages the flood guards dropped by transport. A count is one
 * {@link LongAdder} increment on the SIP thread; the maps are fixed at construction (a method we do
 * not know counts as {@code OTHER}), so nothing a client sends adds a series.
 */
public final class EdgeCounters {
    /** The methods counted by name (RFC 3261 and its extensions the server routes). */
    public static final List<String> METHODS = List.of("REGISTER", "INVITE", "ACK", "BYE", "CANCEL", "OPTIONS",
            "MESSAGE", "SUBSCRIBE", "NOTIFY", "REFER", "INFO", "UPDATE", "PRACK", "PUBLISH", "OTHER");
    public static final List<String> STATUS_CLASSES = List.of("1xx", "2xx", "3xx", "4xx", "5xx", "6xx");

    private final Map<String, LongAdder> requests = adders(METHODS);
    private final Map<String, LongAdder> responses = adders(STATUS_CLASSES);
    private final LongAdder datagramsDropped;
    private final LongAdder datagramsExpired;
    private final LongAdder streamRequestsDropped;
    private final ResponsesSent responsesSent;

    EdgeCounters(LongAdder datagramsDropped, LongAdder datagramsExpired, LongAdder streamRequestsDropped,
            ResponsesSent responsesSent) {
        this.datagramsDropped = datagramsDropped;
        this.datagramsExpired = datagramsExpired;
        this.streamRequestsDropped = streamRequestsDropped;
        this.responsesSent = responsesSent;
    }

    private static Map<String, LongAdder> adders(List<String> names) {
        Map<String, LongAdder> all = new LinkedHashMap<>();
        names.forEach(name -> all.put(name, new LongAdder()));
        return Map.copyOf(all);
    }

    void requestReceived(String method) {
        requests.getOrDefault(method, requests.get("OTHER")).increment();
    }

    void responseReceived(int status) {
        LongAdder counter = responses.get((status / 100) + "xx");
        if (counter != null) {
            counter.increment();
        }
    }

    /** Requests received since start, by method ({@link #METHODS}). */
    public long requestsReceived(String method) {
        return requests.get(method).sum();
    }

    /** Responses received from devices and peers since start, by status class ({@link #STATUS_CLASSES}). */
    public long responsesReceived(String statusClass) {
        return responses.get(statusClass).sum();
    }

    /** Responses sent since start, by method and status class. */
    public ResponsesSent responsesSent() {
        return responsesSent;
    }

    /** Datagrams the per-source throttle or the byte budget dropped before parsing. */
    public long datagramsDropped() {
        return datagramsDropped.sum();
    }

    /** Requests dropped unparsed because they waited too long in the UDP socket (overload: see DatagramReaders). */
    public long datagramsExpired() {
        return datagramsExpired.sum();
    }

    /** Requests over TCP and TLS the per-source throttle dropped. */
    public long streamRequestsDropped() {
        return streamRequestsDropped.sum();
    }
}
