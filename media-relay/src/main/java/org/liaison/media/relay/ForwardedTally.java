package org.liaison.media.relay;

import java.util.HashMap;
import java.util.Map;
import org.liaison.media.CallStats;

/** Packets and bytes forwarded and packets dropped by reason, summed over calls' streams. Not thread-safe. */
final class ForwardedTally {
    long packets;
    long bytes;
    final Map<String, Long> drops = new HashMap<>();

    void add(CallStats stats) {
        for (CallStats.StreamStats s : stats.streams()) {
            packets += s.packetsAtoB() + s.packetsBtoA();
            bytes += s.bytesAtoB() + s.bytesBtoA();
            s.drops().forEach((reason, n) -> drops.merge(reason, n, Long::sum));
        }
    }

    ForwardedTally plus(ForwardedTally other) {
        ForwardedTally sum = new ForwardedTally();
        sum.packets = packets + other.packets;
        sum.bytes = bytes + other.bytes;
        sum.drops.putAll(drops);
        other.drops.forEach((reason, n) -> sum.drops.merge(reason, n, Long::sum));
        return sum;
    }
}
