package org.liaison.media;

import java.net.InetSocketAddress;

/**
 * Where the relay may send media: every address and port an offer or answer names is checked
 * before the relay takes it, and every source it would learn (its replies go back there). Without
 * this check, SDP is a way to make the relay talk to any UDP service it can reach, its own control
 * port and the hosts of an internal network included, and hand back their answers.
 *
 * <p>The SIP server builds it from its configuration ({@code media.allowed-destinations},
 * {@code media.denied-destinations}, the server's own sockets). Whatever it allows, the relay
 * never sends to a multicast or broadcast address, to {@code 0.0.0.0/8}, or to its own media
 * ports. Also asked on the packet path, but only for a packet whose source would lock an endpoint
 * (normally once per endpoint, never for a locked stream's packets): it must be quick and must not
 * block.
 */
@FunctionalInterface
public interface MediaDestinations {

    /** Whether media may be sent to {@code destination}. */
    boolean allows(InetSocketAddress destination);
}
