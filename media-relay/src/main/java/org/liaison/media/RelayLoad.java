package org.liaison.media;

import java.util.Map;

/**
 * What a relay carries now and has carried since it started, for the admin listener's metrics.
 *
 * @param calls            calls held now
 * @param streams          streams (m-lines with relay ports) open now
 * @param portsFree        relay ports not reserved now
 * @param packetsForwarded packets sent on since start, both directions, RTP and RTCP
 * @param bytesForwarded   their bytes (UDP payload)
 * @param dropped          packets not forwarded since start, by reason ({@code wrong-source}, {@code no-peer},
 *                         {@code congested})
 */
public record RelayLoad(int calls, int streams, int portsFree, long packetsForwarded, long bytesForwarded,
        Map<String, Long> dropped) {
    public RelayLoad {
        dropped = Map.copyOf(dropped);
    }
}
