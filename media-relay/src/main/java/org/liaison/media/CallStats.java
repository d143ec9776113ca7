package org.liaison.media;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A snapshot of one call's streams, for ng {@code query}, logs and tests. */
public record CallStats(String callId, List<StreamStats> streams) {

    /**
     * One direction-pair of one m-line between two endpoints. {@code packetsAtoB} counts packets
     * received from the offerer's endpoint and sent to the answerer's; drops are by reason (for
     * example {@code "wrong-source"}, {@code "no-peer"}).
     */
    public record StreamStats(String fromTag, String toTag, int mediaIndex, int relayPortA, int relayPortB,
            long packetsAtoB, long bytesAtoB, long packetsBtoA, long bytesBtoA,
            Map<String, Long> drops, Optional<Instant> lastPacket) {
    }
}
