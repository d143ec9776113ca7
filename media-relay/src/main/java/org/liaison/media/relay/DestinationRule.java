package org.liaison.media.relay;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.liaison.media.MediaDestinations;
import org.liaison.media.MediaRelayException;
import org.liaison.media.RelayConfig;
import org.liaison.media.sdp.MediaDescription;

/**
 * The relay's whole rule for where media may go: what the configuration allows
 * ({@link RelayConfig#destinations()}), and never a multicast or broadcast address, {@code 0.0.0.0/8}
 * (Linux delivers datagrams for {@code 0.0.0.0} to the host itself), port 0, or a port of the
 * relay's own range on its own address (a stream relaying into another stream's port).
 */
final class DestinationRule implements MediaDestinations {
    private final MediaDestinations configured;
    private final InetAddress relayAddress;
    private final int portMin;
    private final int portMax;

    DestinationRule(RelayConfig config) {
        this.configured = config.destinations();
        this.relayAddress = config.address();
        this.portMin = config.portMin();
        this.portMax = config.portMax();
    }

    @Override
    public boolean allows(InetSocketAddress destination) {
        InetAddress address = destination.getAddress();
        if (address == null || destination.getPort() == 0 || address.isMulticastAddress()
                || address.isAnyLocalAddress() || isThisNetworkOrBroadcast(address)) {
            return false;
        }
        boolean ownPort = destination.getPort() >= portMin && destination.getPort() <= portMax;
        return !(ownPort && address.equals(relayAddress)) && configured.allows(destination);
    }

    /**
     * Refuses SDP that names a destination this rule does not allow, for RTP or RTCP (the port
     * above RTP's when no {@code a=rtcp} says otherwise: {@code m=audio 2222} sends RTCP to 2223).
     * Rejected streams and hold addresses ({@code 0.0.0.0}, {@code ::}: nothing is sent) pass.
     */
    void check(List<MediaDescription> media) throws MediaRelayException {
        for (MediaDescription m : media) {
            if (!m.rejected()) {
                refuseUnlessAllowed(m.rtpEndpoint());
                refuseUnlessAllowed(m.rtcpEndpoint());
            }
        }
    }

    private void refuseUnlessAllowed(InetSocketAddress endpoint) throws MediaRelayException {
        if (!endpoint.getAddress().isAnyLocalAddress() && !allows(endpoint)) {
            throw new MediaRelayException(MediaRelayException.Reason.BAD_SDP, "media address "
                    + endpoint.getAddress().getHostAddress() + " port " + endpoint.getPort()
                    + " is not a destination the relay may send to");
        }
    }

    /** {@code 0.0.0.0/8} (RFC 1122 §3.2.1.3: "this network", never a destination) and {@code 255.255.255.255}. */
    private static boolean isThisNetworkOrBroadcast(InetAddress address) {
        if (!(address instanceof Inet4Address)) {
            return false;
        }
        byte[] b = address.getAddress();
        return b[0] == 0 || (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff;
    }
}
