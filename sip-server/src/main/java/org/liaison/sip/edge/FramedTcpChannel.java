package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.NioTcpMessageChannel;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * JAIN-SIP's channel for an accepted TCP connection, with the bytes it reads checked by a
 * {@link StreamFraming} before its parser sees them: a stream that claims a body larger than the
 * largest message, or sends headers without end, is closed instead of parsed; a malformed message
 * ({@link StrictSyntax}) is answered or dropped and never parsed.
 */
final class FramedTcpChannel extends NioTcpMessageChannel implements PeerOpenedChannel {
    private final StreamFraming framing;

    FramedTcpChannel(NioTcpMessageProcessor processor, SocketChannel socket, StreamFraming framing)
            throws IOException {
        super(processor, socket);
        this.messageProcessor = processor;
        this.framing = framing;
    }

    @Override
    protected void addBytes(byte[] bytes) throws Exception {
        byte[] admitted = framing.admit(bytes, this, response -> sendMessage(response, false));
        if (admitted != null && admitted.length > 0) {
            super.addBytes(admitted);
        }
    }
}
