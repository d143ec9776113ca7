package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.HandshakeCompletedListenerImpl;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * The NIO processor's table of connections by peer ({@code address:port}), with the two sends the
 * stack makes through it corrected: JAIN-SIP 1.3.0-91's own ({@code NIOHandler}) loses every
 * connection it opens, and reopens a client's.
 *
 * <p>{@code NIOHandler.openOutgoingConnection} puts the socket it opened in the table and then, in
 * its {@code finally}, takes it out again ({@code attempted && !connected}: {@code connected} is
 * never set). So the next send to that peer finds nothing, connects a second time, and the channel
 * drops its first socket with the request queued on it ("Old socket different than new socket");
 * over TLS the channel then restarts its handshake on the new socket, whose send finds nothing
 * either: a loop of new connections, hundreds a second. Here a connection this server opens stays
 * in the table until it closes, and is reused by every send to that peer.
 *
 * <p>A connection a peer opened to us (a phone's, or another node's towards our listener) is
 * answered over, and only over, that connection: once it is gone a response or request for it
 * fails; the server never connects to the peer's source port, which is ephemeral (RFC 3261
 * §18.2.2, RFC 5626 §5.3). The stack's own handler did connect there.
 */
final class ConnectionTable extends NIOHandler {
    /** The stack's own connect timeout; a NONBLOCKING stack (ours) does not wait for the connect at all. */
    private static final int CONNECT_TIMEOUT_MS = 10_000;

    private final NioTcpMessageProcessor processor;
    private volatile boolean stopped;

    /**
     * Replaces the processor's own handler, which its constructor made (that one's idle-connection auditor then
     * runs over an empty table, harmlessly).
     */
    ConnectionTable(SIPTransactionStack stack, NioTcpMessageProcessor processor) {
        super(stack, processor);
        this.processor = processor;
    }

    /** What owns a table: the TCP and TLS processors. */
    interface Owner {
        ConnectionTable connections();
    }

    /**
     * The channel of the open connection with {@code address:port}, whoever opened it; empty when there is none.
     * What a request to a {@link org.liaison.sip.message.ConnectionHop} is sent on.
     */
    Optional<MessageChannel> openChannel(InetAddress address, int port) {
        SocketChannel known = getSocket(makeKey(address, port));
        if (known == null || !known.isOpen() || !known.isConnected()) {
            return Optional.empty();
        }
        return Optional.ofNullable(getMessageChannel(known));
    }

    /** Makes a new outbound channel. */
    interface ChannelMaker {
        MessageChannel make() throws IOException;
    }

    /**
     * The channel for a request to {@code address:port}: the open connection's when there is one (RFC 3261 §18.1.1:
     * reuse it; also one the peer opened, whose channel the stack may no longer have cached by peer), otherwise
     * {@code newChannel}'s, which connects.
     */
    MessageChannel reuseOr(InetAddress address, int port, ChannelMaker newChannel) throws IOException {
        Optional<MessageChannel> open = openChannel(address, port);
        return open.isPresent() ? open.get() : newChannel.make();
    }

    /**
     * Called by a new outbound channel: the open connection to that peer, or a new one, kept here. Never a
     * connection the peer opened: that one has its channel already, and a second channel on it would start a TLS
     * client handshake inside the peer's session.
     */
    @Override
    public SocketChannel createOrReuseSocket(InetAddress address, int port) throws IOException {
        if (stopped) {
            return null;
        }
        SocketChannel socket = connectionTo(address, port, true).socket();
        if (getMessageChannel(socket) instanceof PeerOpenedChannel) {
            throw new IOException("the connection from " + makeKey(address, port) + " has its own channel");
        }
        return socket;
    }

    /** Every send of a channel: over the peer's open connection, queued for the selector thread. */
    @Override
    public SocketChannel sendBytes(InetAddress sender, InetAddress receiver, int port, String transport, byte[] bytes,
            boolean retry, NioTcpMessageChannel channel) throws IOException {
        if (stopped) {
            return null;
        }
        Connection connection = connectionTo(receiver, port, !(channel instanceof PeerOpenedChannel));
        if (connection.opened() && channel instanceof NioTlsMessageChannel tls) {
            // as the stack does: the bytes were encrypted for the old connection; the channel sees the new socket,
            // restarts its TLS client engine and sends again once the handshake is through
            tls.setHandshakeCompletedListener(new HandshakeCompletedListenerImpl(tls, connection.socket()));
        } else {
            processor.send(connection.socket(), bytes);
        }
        return connection.socket();
    }

    @Override
    public void stop() {
        stopped = true;
        super.stop();
    }

    /** A connection to a peer, and whether it was opened just now. */
    private record Connection(SocketChannel socket, boolean opened) {
    }

    /**
     * The usable connection to {@code address:port} (connected, or connecting), or, when
     * {@code mayConnect}, a new one; an IOException otherwise. Synchronized: two sends to a peer
     * must not open two connections (the connect itself does not block: NONBLOCKING mode).
     */
    private synchronized Connection connectionTo(InetAddress address, int port, boolean mayConnect)
            throws IOException {
        String key = makeKey(address, port);
        SocketChannel known = getSocket(key);
        if (known != null && known.isOpen() && (known.isConnected() || known.isConnectionPending())) {
            return new Connection(known, false);
        }
        if (known != null) {
            removeSocket(known);
        }
        if (!mayConnect) {
            throw new IOException("the connection from " + key + " is closed; a connection a peer opened is not"
                    + " reopened by connecting to its source port (RFC 5626 section 5.3)");
        }
        SocketChannel opened = processor.connect(new InetSocketAddress(address, port), processor.getIpAddress(),
                CONNECT_TIMEOUT_MS);
        putSocket(key, opened);
        return new Connection(opened, true);
    }
}
