package org.liaison.sip.edge;

import gov.nist.core.HostPort;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/**
 * JAIN-SIP's NIO TLS processor, with accepted connections read through a {@link FramedTlsChannel}
 * and reported to the {@link ConnectionGuard}: the caps per source and in total, and the
 * first-message deadline, which also ends a connection whose handshake never completes (JAIN-SIP's
 * NIO TLS has no handshake deadline of its own).
 */
final class GuardedTlsProcessor extends NioTlsMessageProcessor implements ConnectionTable.Owner {
    private final ConnectionGuard guard;
    private final Supplier<StreamFraming> framing;
    private final PeerTrust trust;

    GuardedTlsProcessor(InetAddress address, SIPTransactionStack stack, int port, ConnectionGuard guard,
            Supplier<StreamFraming> framing, PeerTrust trust) {
        super(address, stack, port);
        this.nioHandler = new ConnectionTable(stack, this);
        this.guard = guard;
        this.framing = framing;
        this.trust = trust;
    }

    @Override
    public ConnectionTable connections() {
        return (ConnectionTable) nioHandler;
    }

    @Override
    public MessageChannel createMessageChannel(HostPort target) throws IOException {
        return createMessageChannel(target.getInetAddress(), target.getPort());
    }

    @Override
    public MessageChannel createMessageChannel(InetAddress address, int port) throws IOException {
        return connections().reuseOr(address, port, () -> outboundChannel(address, port));
    }

    /**
     * As the stack's own (one channel per peer, kept in its table), but an {@link OutboundTlsChannel}, whose
     * handshake checks the peer's certificate as {@link PeerTrust} says. Synchronized on the processor as the
     * stack's own: two sends to a new peer make one channel.
     */
    private synchronized MessageChannel outboundChannel(InetAddress address, int port) throws IOException {
        String key = MessageChannel.getKey(address, port, getTransport());
        MessageChannel known = messageChannels.get(key);
        if (known != null) {
            return known;
        }
        OutboundTlsChannel made = new OutboundTlsChannel(address, port, sipStack, this, trust);
        messageChannels.put(key, made);
        return made;
    }

    /** Called by the stack for each connection it accepts; as the stack's own, but with our channel. */
    @Override
    public NioTcpMessageChannel createMessageChannel(NioTcpMessageProcessor processor, SocketChannel socket)
            throws IOException {
        return guard.channelFor(nioHandler, socket, () -> new FramedTlsChannel(processor, socket, framing.get()));
    }
}
