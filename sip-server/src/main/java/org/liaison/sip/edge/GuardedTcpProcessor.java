package org.liaison.sip.edge;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/**
 * JAIN-SIP's NIO TCP processor, with accepted connections read through a {@link FramedTcpChannel}
 * and reported to the {@link ConnectionGuard}.
 */
final class GuardedTcpProcessor extends NioTcpMessageProcessor implements ConnectionTable.Owner {
    private final ConnectionGuard guard;
    private final Supplier<StreamFraming> framing;

    GuardedTcpProcessor(InetAddress address, SIPTransactionStack stack, int port, ConnectionGuard guard,
            Supplier<StreamFraming> framing) {
        super(address, stack, port);
        this.nioHandler = new ConnectionTable(stack, this);
        this.guard = guard;
        this.framing = framing;
    }

    @Override
    public ConnectionTable connections() {
        return (ConnectionTable) nioHandler;
    }

    @Override
    public MessageChannel createMessageChannel(HostPort target) throws IOException {
        return connections().reuseOr(target.getInetAddress(), target.getPort(),
                () -> super.createMessageChannel(target));
    }

    @Override
    public MessageChannel createMessageChannel(InetAddress address, int port) throws IOException {
        return connections().reuseOr(address, port, () -> super.createMessageChannel(address, port));
    }

    /** Called by the stack for each connection it accepts; as the stack's own, but with our channel. */
    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket)
            throws IOException {
        return guard.channelFor(nioHandler, socket, () -> new FramedTcpChannel(processor, socket, framing.get()));
    }
}
