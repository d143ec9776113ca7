package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/** JAIN-SIP's NIO TCP processor, reporting each accepted connection to the {@link ConnectionGuard}. */
final class GuardedTcpProcessor extends NioTcpMessageProcessor {
    private final ConnectionGuard guard;

    GuardedTcpProcessor(InetAddress address, SIPTransactionStack stack, int port, ConnectionGuard guard) {
        super(address, stack, port);
        this.guard = guard;
    }

    /** Called by the stack for each connection it accepts. */
    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket)
            throws IOException {
        NioTcpMessageChannel channel = super.createMessageChannel(processor, socket);
        guard.accepted(channel, socket);
        return channel;
    }
}
