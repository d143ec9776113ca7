package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * JAIN-SIP's channel for a TLS connection this server opens (to another node, or a foreign domain), whose reads name
 * the peer to the {@link PeerTrust} that checks the peer's certificate during the handshake.
 */
final class OutboundTlsChannel extends NioTlsMessageChannel {
    private static final byte[] NOTHING = new byte[0];
    private final InetSocketAddress peer;
    private final PeerTrust trust;

    OutboundTlsChannel(InetAddress address, int port, SIPTransactionStack stack, NioTcpMessageProcessor processor,
            PeerTrust trust) throws IOException {
        super(address, port, stack, processor);
        this.peer = new InetSocketAddress(address, port);
        this.trust = trust;
        // as the stack's own outbound channels: kept in the processor's table until the connection closes
        this.isCached = true;
    }

    @Override
    protected void addBytes(byte[] bytes) throws Exception {
        trust.whileReadingFrom(peer, () -> super.addBytes(bytes));
        if (!isHandshakeCompleted()) {
            // JAIN-SIP 1.3.0-91's read loop stalls a TLS 1.3 client handshake: having read the server's last flight,
            // the engine must write the client's Finished, but the loop reads on, finds no bytes and waits for more,
            // which never come. An empty send runs the write loop, which writes what the engine owes, then the
            // queued request.
            sendMessage(NOTHING, true);
        }
    }
}
