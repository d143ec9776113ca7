package org.liaison.sip.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.liaison.media.RelayConfig;

/**
 * The media relay's keys ({@code relay.*}, and the {@code media.*} keys bounding what SDP may ask
 * of it), validated at startup and converted into the relay module's own {@link RelayConfig} (the
 * relay does not read liaison.properties). {@code control} is where {@code liaison relay} serves
 * ng (port 0 = off), {@code metrics} where it serves its own /metrics (port 0 = off; a relay in the
 * server's process is on the admin listener instead). {@code destinations}: where media may go,
 * this server's own sockets never; {@code maxStreamsPerSdp}: media streams one call may have relayed.
 */
public record RelaySettings(InetAddress address, int portMin, int portMax, InetSocketAddress control,
        List<InetSocketAddress> servers, Duration idleTimeout, Duration learningWindow,
        MediaDestinationPolicy destinations, int maxStreamsPerSdp, AdminSettings metrics) {
    /** {@code relay.metrics-port}: beside the admin listener's 9090, so both run on one host as shipped. */
    public static final int DEFAULT_METRICS_PORT = 9091;

    /** {@code sip} and {@code http}: the server's own sockets, which SDP may never point media at. */
    static RelaySettings from(ConfigReader r, SipSettings sip, HttpSettings http) throws ConfigException {
        InetAddress address = r.address("relay.address", "127.0.0.1");
        if (address.isAnyLocalAddress()) {
            throw r.problem("relay.address", address.getHostAddress()
                    + " is a wildcard; SDP needs the address phones send media to");
        }
        int min = r.integer("relay.port-min", 30000, 1024, 65534);
        int max = r.integer("relay.port-max", 39999, 1025, 65535);
        // The relay owns the rule (what one call takes); this names the key that breaks it.
        if (!RelayConfig.isPairStart(min)) {
            throw r.problem("relay.port-min", min + " is odd; RTP takes even ports and RTCP the odd one above");
        }
        if (!RelayConfig.holdsOneStream(min, max)) {
            throw r.problem("relay.port-max", max + " leaves fewer than two port pairs above relay.port-min " + min);
        }
        InetSocketAddress control = new InetSocketAddress(r.address("relay.control-address", "127.0.0.1"),
                r.port("relay.control-port", 2223));
        List<InetSocketAddress> servers = r.list("relay.servers", "",
                "an IP address and port (192.0.2.7:2223, [2001:db8::7]:2223)", RelaySettings::hostPort);
        Duration idle = r.seconds("relay.idle-timeout-seconds", 60, 5, 86400);
        Duration learning = r.seconds("relay.learning-seconds", 3, 0, 60);
        MediaDestinationPolicy destinations = destinations(r, ownAddresses(sip, address, control),
                ownSockets(sip, http, control));
        int maxStreams = r.integer("media.max-streams-per-sdp", 8, 1, 256);
        AdminSettings metrics = AdminSettings.listener(r, "relay.metrics-address", "relay.metrics-port",
                DEFAULT_METRICS_PORT);
        return new RelaySettings(address, min, max, control, servers, idle, learning, destinations, maxStreams,
                metrics);
    }

    /** The relay module's settings. */
    public RelayConfig toRelayConfig() {
        return new RelayConfig(address, portMin, portMax, idleTimeout, learningWindow, servers, destinations,
                maxStreamsPerSdp);
    }

    private static MediaDestinationPolicy destinations(ConfigReader r, Set<InetAddress> ownAddresses,
            Set<InetSocketAddress> ownSockets) throws ConfigException {
        String expected = "an address range (192.0.2.0/24, 2001:db8::/32, or one address)";
        List<AddressRange> allowed = r.list("media.allowed-destinations", "", expected, AddressRange::parse);
        List<AddressRange> denied = r.list("media.denied-destinations", "", expected, AddressRange::parse);
        return new MediaDestinationPolicy(allowed, denied, ownAddresses, ownSockets);
    }

    private static Set<InetAddress> ownAddresses(SipSettings sip, InetAddress relayAddress, InetSocketAddress control) {
        Set<InetAddress> own = new HashSet<>(sip.addresses());
        own.add(relayAddress);
        if (!control.getAddress().isAnyLocalAddress()) {
            own.add(control.getAddress());
        }
        return own;
    }

    /** SIP and HTTPS listen on every SIP address; ng on its control address (maybe the wildcard). */
    private static Set<InetSocketAddress> ownSockets(SipSettings sip, HttpSettings http, InetSocketAddress control) {
        Set<InetSocketAddress> own = new HashSet<>();
        for (InetAddress address : sip.addresses()) {
            for (int port : new int[] {sip.udpPort(), sip.tcpPort(), sip.tlsPort(), http.port()}) {
                if (port != 0) {
                    own.add(new InetSocketAddress(address, port));
                }
            }
        }
        if (control.getPort() != 0) {
            own.add(control);
        }
        return own;
    }

    /** {@code 192.0.2.7:2223} or {@code [2001:db8::7]:2223}, or null. */
    private static InetSocketAddress hostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || text.indexOf(':') != colon && !text.startsWith("[")) {
            return null;
        }
        InetAddress host = IpLiteral.parse(text.substring(0, colon));
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return host == null || port < 1 || port > 65535 ? null : new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
