package org.liaison.media.ng;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.liaison.media.CallStats;
import org.liaison.media.CallStats.StreamStats;

/**
 * The {@code streams} list of our {@code query} reply: one dictionary per stream with the fields of
 * {@link StreamStats} (rtpengine's own query reply has a different shape; a client reading it gets
 * no streams).
 */
final class NgStats {
    private NgStats() {
    }

    static List<Object> toWire(CallStats stats) {
        List<Object> streams = new ArrayList<>();
        for (StreamStats s : stats.streams()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("from-tag", s.fromTag());
            d.put("to-tag", s.toTag());
            d.put("index", (long) s.mediaIndex());
            d.put("relay-port-a", (long) s.relayPortA());
            d.put("relay-port-b", (long) s.relayPortB());
            d.put("packets-a-b", s.packetsAtoB());
            d.put("bytes-a-b", s.bytesAtoB());
            d.put("packets-b-a", s.packetsBtoA());
            d.put("bytes-b-a", s.bytesBtoA());
            d.put("drops", new LinkedHashMap<String, Object>(s.drops()));
            s.lastPacket().ifPresent(t -> d.put("last-packet-ms", t.toEpochMilli()));
            streams.add(d);
        }
        return streams;
    }

    static CallStats fromWire(String callId, Object streams) {
        List<StreamStats> all = new ArrayList<>();
        if (streams instanceof List) {
            for (Object item : (List<?>) streams) {
                if (item instanceof Map) {
                    all.add(stream((Map<?, ?>) item));
                }
            }
        }
        return new CallStats(callId, all);
    }

    private static StreamStats stream(Map<?, ?> d) {
        Map<String, Long> drops = new LinkedHashMap<>();
        if (d.get("drops") instanceof Map) {
            ((Map<?, ?>) d.get("drops")).forEach((k, v) -> drops.put(String.valueOf(k), number(v)));
        }
        Optional<Instant> last = d.get("last-packet-ms") instanceof Long
                ? Optional.of(Instant.ofEpochMilli((Long) d.get("last-packet-ms"))) : Optional.empty();
        return new StreamStats(text(d.get("from-tag")), text(d.get("to-tag")), (int) number(d.get("index")),
                (int) number(d.get("relay-port-a")), (int) number(d.get("relay-port-b")),
                number(d.get("packets-a-b")), number(d.get("bytes-a-b")), number(d.get("packets-b-a")),
                number(d.get("bytes-b-a")), drops, last);
    }

    private static long number(Object value) {
        return value instanceof Long ? (Long) value : 0;
    }

    private static String text(Object value) {
        return value instanceof String ? (String) value : "";
    }
}
