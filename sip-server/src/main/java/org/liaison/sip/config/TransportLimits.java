package org.liaison.sip.config;

import java.time.Duration;

/**
 * What one source, or everybody together, may take of the transports before the edge drops it: the
 * defence against floods and half-open connections (issue 5). Checked at receipt, before any parsing.
 *
 * @param datagramsPerSourcePerSecond UDP datagrams one source (an IPv4 address, an IPv6 /64) may send
 *                                    per second, bursts of one second's worth included; the rest is dropped
 * @param datagramBytesPerSecond      UDP bytes all sources together may have queued for parsing per second;
 *                                    with the stack's congestion timeout this bounds the memory queued datagrams take
 * @param connections                 TCP/TLS connections open at once, all sources together
 * @param connectionsPerSource        TCP/TLS connections one source may hold open at once
 * @param firstMessageTimeout         a connection that has not delivered one whole SIP message within this
 *                                    is closed (half-open and slow-loris connections)
 * @param streamRequestsPerSourcePerSecond requests one source may send per second over TCP and TLS together,
 *                                    bursts of one second's worth included; the rest are refused
 */
public record TransportLimits(int datagramsPerSourcePerSecond, int datagramBytesPerSecond, int connections,
        int connectionsPerSource, Duration firstMessageTimeout, int streamRequestsPerSourcePerSecond) {

    static TransportLimits from(ConfigReader r) throws ConfigException {
        int perSource = r.integer("security.udp.max-datagrams-per-source-per-second", 400, 1, 1_000_000);
        int bytes = r.integer("security.udp.max-bytes-per-second", 8 << 20, 65536, 1 << 30);
        int connections = r.integer("security.max-connections", 10_000, 1, 1_000_000);
        int perSourceConnections = r.integer("security.max-connections-per-source", 100, 1, 1_000_000);
        if (perSourceConnections > connections) {
            throw r.problem("security.max-connections-per-source", perSourceConnections
                    + " is above security.max-connections " + connections);
        }
        Duration firstMessage = r.seconds("security.first-message-timeout-seconds", 10, 1, 3600);
        int streamRequests = r.integer("security.stream.max-requests-per-source-per-second", 50, 1, 1_000_000);
        return new TransportLimits(perSource, bytes, connections, perSourceConnections, firstMessage, streamRequests);
    }
}
