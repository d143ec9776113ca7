package org.liaison.sip.proxy;

import java.net.InetAddress;
import java.text.ParseException;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sip.address.Hop;
import javax.sip.header.ExtensionHeader;
import javax.sip.header.Header;
import javax.sip.message.Response;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.message.SipFactories;

/**
 * Where the device that answered a request signalled from, which the node anchoring the call's media hands to the
 * relay: the relay locks a phone behind NAT (a private address in its SDP) onto media from that address only. The
 * anchoring node sees it as the response's packet source, unless the device's flow ends on another node (issue 10):
 * then the response comes from that node, which notes the device's address in {@value #HEADER}. A node takes the
 * note only from a response to a request it sent to another node; anyone else's (a phone's own) is dropped, and no
 * note leaves towards a phone.
 */
final class DeviceSource {
    static final String HEADER = "Liaison-Signalled-From";

    private final SipFactories sip;
    private final Predicate<Hop> clusterNodes;

    DeviceSource(SipFactories sip, Predicate<Hop> clusterNodes) {
        this.sip = sip;
        this.clusterNodes = clusterNodes;
    }

    /**
     * The answering device's address for a response from {@code hop} whose packet came from {@code from}: another
     * node's note when {@code hop} is a node, else {@code from}. Takes the note off the response.
     */
    Optional<InetAddress> take(Response response, Hop hop, Optional<InetAddress> from) {
        Header note = response.getHeader(HEADER);
        if (note == null) {
            return from;
        }
        response.removeHeader(HEADER);
        InetAddress noted = IpLiteral.parse(((ExtensionHeader) note).getValue().trim());
        return clusterNodes.test(hop) && noted != null ? Optional.of(noted) : from;
    }

    /** Notes {@code device} on a response going back to the node that anchors the call's media. */
    void note(Response response, InetAddress device) {
        try {
            response.setHeader(sip.headers().createHeader(HEADER, device.getHostAddress()));
        } catch (ParseException e) {
            throw new IllegalStateException("an IP address is a valid header value", e);
        }
    }
}
