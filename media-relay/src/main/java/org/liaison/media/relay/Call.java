package org.liaison.media.relay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.liaison.media.CallStats;
import org.liaison.media.relay.MediaStream.Side;

/**
 * One call's relaying: who sides A and B are (dialog tags) and one {@link MediaStream} per m-line
 * ({@code null} for a rejected one). Guarded by {@link RelaySessions}' lock.
 */
final class Call {
    final String callId;
    final long createdNanos;
    String tagA;
    /** The device that answered last (forks re-target it); null while unanswered. */
    String tagB;
    boolean answered;
    long lastSignalNanos;
    final List<MediaStream> streams = new ArrayList<>();

    Call(String callId, String tagA, long nowNanos) {
        this.callId = callId;
        this.tagA = tagA;
        this.createdNanos = nowNanos;
        this.lastSignalNanos = nowNanos;
    }

    MediaStream stream(int index) {
        return index < streams.size() ? streams.get(index) : null;
    }

    void setStream(int index, MediaStream stream) {
        while (streams.size() <= index) {
            streams.add(null);
        }
        streams.set(index, stream);
    }

    /** Streams open at index {@code from} and above. */
    int openStreamsFrom(int from) {
        int open = 0;
        for (int i = from; i < streams.size(); i++) {
            if (streams.get(i) != null) {
                open++;
            }
        }
        return open;
    }

    /** Wall-clock millis of the last packet on any stream, 0 if none. */
    long lastPacketMillis() {
        long last = 0;
        for (MediaStream s : streams) {
            if (s != null) {
                last = Math.max(last, s.lastPacketMillis());
            }
        }
        return last;
    }

    void close() {
        for (MediaStream s : streams) {
            if (s != null) {
                s.close();
            }
        }
        streams.clear();
    }

    CallStats stats() {
        List<CallStats.StreamStats> all = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            MediaStream s = streams.get(i);
            if (s != null) {
                long last = s.lastPacketMillis();
                all.add(new CallStats.StreamStats(tagA, tagB == null ? "" : tagB, i, s.rtpPort(Side.A),
                        s.rtpPort(Side.B), s.packetsFrom(Side.A), s.bytesFrom(Side.A), s.packetsFrom(Side.B),
                        s.bytesFrom(Side.B), s.drops(),
                        last == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(last))));
            }
        }
        return new CallStats(callId, all);
    }

    /** One log line's worth: per stream, packets/bytes each way and drops. */
    String summary() {
        StringBuilder out = new StringBuilder();
        for (CallStats.StreamStats s : stats().streams()) {
            out.append(" m").append(s.mediaIndex()).append(" A->B ").append(s.packetsAtoB()).append(" pkts/")
                    .append(s.bytesAtoB()).append(" B, B->A ").append(s.packetsBtoA()).append(" pkts/")
                    .append(s.bytesBtoA()).append(" B, drops ").append(s.drops()).append(';');
        }
        return out.length() == 0 ? " no streams" : out.toString();
    }
}
