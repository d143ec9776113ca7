package org.liaison.sip.edge;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.MessageProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Properties;
import javax.sip.PeerUnavailableException;
import javax.sip.address.Hop;
import org.liaison.sip.message.ConnectionHop;

/**
 * The JAIN-SIP stack, sending a request for a {@link ConnectionHop} over that open connection or not at all: the
 * stack's own way, when it has no channel for a peer, is to connect to it, here to a client's source port.
 */
class ConnectionReusingStack extends SipStackImpl {
    ConnectionReusingStack(Properties properties) throws PeerUnavailableException {
        super(properties);
    }

    /** The channel of a client transaction. */
    @Override
    public MessageChannel createMessageChannel(SIPRequest request, MessageProcessor processor, Hop hop)
            throws IOException {
        if (hop instanceof ConnectionHop) {
            return openChannel(processor, hop);
        }
        return super.createMessageChannel(request, processor, hop);
    }

    /** The channel of a request sent statelessly; null (the stack's "no channel") when the connection is gone. */
    @Override
    public MessageChannel createRawMessageChannel(String sourceAddress, int sourcePort, Hop hop)
            throws UnknownHostException {
        if (!(hop instanceof ConnectionHop)) {
            return super.createRawMessageChannel(sourceAddress, sourcePort, hop);
        }
        for (MessageProcessor processor : getMessageProcessors()) {
            if (hop.getTransport().equalsIgnoreCase(processor.getTransport()) && processor.getPort() == sourcePort
                    && sourceAddress.equals(processor.getIpAddress().getHostAddress())) {
                try {
                    return openChannel(processor, hop);
                } catch (IOException gone) {
                    return null;
                }
            }
        }
        return null;
    }

    private static MessageChannel openChannel(MessageProcessor processor, Hop hop) throws IOException {
        if (!(processor instanceof ConnectionTable.Owner owner)) {
            throw new IOException(hop + " is a connection, but " + processor.getTransport() + " has none");
        }
        return owner.connections().openChannel(InetAddress.getByName(hop.getHost()), hop.getPort())
                .orElseThrow(() -> new IOException("the connection from " + hop + " is closed; a client's"
                        + " connection is not reopened by connecting to its source port (RFC 5626 section 5.3)"));
    }
}
