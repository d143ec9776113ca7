package org.liaison.sip.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Set;
import org.liaison.media.MediaDestinations;

/**
 * Where SDP may make the media relay send ({@code media.allowed-destinations},
 * {@code media.denied-destinations}): without it an offer naming {@code 127.0.0.1:2223} would
 * have the relay feed the ng control port, or any internal UDP service, and relay the answers.
 *
 * <ul>
 *   <li>the server's own sockets ({@code ownSockets}: SIP, HTTPS, ng control) are never allowed,
 *       whatever the lists say, so the rule holds on loopback test setups too; a socket bound to
 *       the wildcard address is matched on loopback and every address of this host;</li>
 *   <li>{@code denied} ranges are never allowed;</li>
 *   <li>with {@code allowed} empty, every unicast address is allowed but loopback, link-local
 *       (169.254.0.0/16, fe80::/10: cloud metadata services live there) and the server's own
 *       addresses ({@code ownAddresses}); otherwise only the {@code allowed} ranges are.</li>
 * </ul>
 * The relay adds its own rule (no multicast, no broadcast, none of its own ports).
 */
public record MediaDestinationPolicy(List<AddressRange> allowed, List<AddressRange> denied,
        Set<InetAddress> ownAddresses, Set<InetSocketAddress> ownSockets) implements MediaDestinations {

    public MediaDestinationPolicy {
        allowed = List.copyOf(allowed);
        denied = List.copyOf(denied);
        ownAddresses = Set.copyOf(ownAddresses);
        ownSockets = Set.copyOf(ownSockets);
    }

    @Override
    public boolean allows(InetSocketAddress destination) {
        InetAddress address = destination.getAddress();
        if (isOwnSocket(destination) || AddressRange.anyContains(denied, address)) {
            return false;
        }
        if (allowed.isEmpty()) {
            return !address.isLoopbackAddress() && !address.isLinkLocalAddress() && !ownAddresses.contains(address);
        }
        return AddressRange.anyContains(allowed, address);
    }

    private boolean isOwnSocket(InetSocketAddress destination) {
        if (ownSockets.contains(destination)) {
            return true;
        }
        for (InetSocketAddress own : ownSockets) {
            if (own.getPort() == destination.getPort() && own.getAddress().isAnyLocalAddress()
                    && isThisHost(destination.getAddress())) {
                return true;
            }
        }
        return false;
    }

    private boolean isThisHost(InetAddress address) {
        if (address.isLoopbackAddress() || ownAddresses.contains(address)) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return true; // cannot tell: the safe answer for a port of our own
        }
    }
}
