package org.liaison.sip.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The SIP listeners.
 *
 * @param domain          the SIP domain served ({@code sip:alice@domain}), also the digest realm
 * @param addresses       the IPv4 and/or IPv6 addresses listened on and advertised in Via and Record-Route
 * @param udpPort         0 = no UDP listener
 * @param tcpPort         0 = no TCP listener
 * @param tlsPort         0 = no TLS listener
 * @param workerThreads   threads that run the SIP logic
 * @param maxMessageBytes the largest SIP message accepted on a stream transport
 * @param tcpIdleTimeout  an idle TCP connection is closed after this
 * @param warmUp          how long {@code bin/liaison serve} warms the JIT on a throwaway server before it listens;
 *                        zero = start cold
 */
public record SipSettings(String domain, List<InetAddress> addresses, int udpPort, int tcpPort, int tlsPort,
        int workerThreads, int maxMessageBytes, Duration tcpIdleTimeout, Duration warmUp) {
    public SipSettings {
        Objects.requireNonNull(domain, "domain");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("at least one address");
        }
    }

    static SipSettings from(ConfigReader r) throws ConfigException {
        String domain = r.requiredString("sip.domain", "liaison.local").toLowerCase(java.util.Locale.ROOT);
        if (!domain.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?|\\[[0-9a-f:.]+\\]")) {
            throw r.problem("sip.domain", ConfigReader.quoted(domain) + " is not a domain name or IP address");
        }
        List<InetAddress> addresses = r.list("sip.address", "127.0.0.1", "an IPv4 or IPv6 address",
                ConfigReader::parseAddressLiteral);
        if (addresses.isEmpty()) {
            throw r.problem("sip.address", "give at least one address to listen on");
        }
        for (InetAddress a : addresses) {
            if (a.isAnyLocalAddress()) {
                throw r.problem("sip.address", a.getHostAddress() + " is a wildcard; give the addresses to listen on"
                        + " (they appear in Via and Record-Route, so they must be reachable by clients)");
            }
        }
        int udp = r.port("sip.udp.port", 5060);
        int tcp = r.port("sip.tcp.port", 5060);
        int tls = r.port("sip.tls.port", 0);
        if (udp == 0 && tcp == 0 && tls == 0) {
            throw r.problem("sip.udp.port", "every SIP listener is off (sip.udp.port, sip.tcp.port and sip.tls.port are 0)");
        }
        if (tls != 0 && (tls == tcp)) {
            throw r.problem("sip.tls.port", tls + " is also sip.tcp.port; TCP and TLS need their own ports");
        }
        int threads = r.integer("sip.worker-threads", 8, 1, 256);
        int maxBytes = r.integer("sip.max-message-bytes", 65536, 4096, 1 << 20);
        Duration idle = r.seconds("sip.tcp-idle-timeout-seconds", 600, 10, 86400);
        Duration warmUp = r.seconds("sip.warm-up-seconds", 15, 0, 60);
        return new SipSettings(domain, addresses, udp, tcp, tls, threads, maxBytes, idle, warmUp);
    }
}
