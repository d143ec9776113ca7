package org.liaison.sip.message;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a REGISTER really came from: the transport and the two socket addresses it travelled
 * between.
 *
 * <p>Behind a NAT the Contact URI names an address nobody outside can reach, so requests for a
 * binding go to its flow, never to its Contact (RFC 5626 §7; for TCP and TLS, over that very
 * connection).
 *
 * @param transport     {@code UDP}, {@code TCP} or {@code TLS}, upper case
 * @param remoteAddress the peer's IP address as a literal, as seen by our socket
 * @param remotePort    the peer's port, as seen by our socket
 * @param localAddress  our IP address the request arrived on
 * @param localPort     our port the request arrived on
 */
public record Flow(String transport, String remoteAddress, int remotePort, String localAddress, int localPort) {
    private static final List<String> TRANSPORTS = List.of("UDP", "TCP", "TLS");

    public Flow {
        transport = known(Objects.requireNonNull(transport, "transport"));
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(localAddress, "localAddress");
        requirePort(remotePort, "remotePort");
        requirePort(localPort, "localPort");
    }

    /**
     * The upper-case constant for {@code transport}, compared ignoring case: a flow is made for every request, and
     * upper-casing a new string each time cost more than the rest of the record (issue 12).
     */
    private static String known(String transport) {
        for (String known : TRANSPORTS) {
            if (known.equalsIgnoreCase(transport)) {
                return known;
            }
        }
        throw new IllegalArgumentException("transport must be one of " + TRANSPORTS + ": "
                + transport.toUpperCase(Locale.ROOT));
    }

    private static void requirePort(int port, String name) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 1..65535: " + port);
        }
    }
}
