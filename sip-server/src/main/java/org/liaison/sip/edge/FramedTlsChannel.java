package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageChannel;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * JAIN-SIP's channel for an accepted TLS connection, with the decrypted bytes checked by a
 * {@link StreamFraming} before its parser sees them, as {@link FramedTcpChannel} does for TCP: the
 * TLS channel hands what it decrypts to the same stream parser, which would allocate whatever body
 * a Content-Length claims. {@code addBytes} here still carries ciphertext; the hook is
 * {@code addPlaintextBytes}, called by the channel's SSL state machine.
 */
final class FramedTlsChannel extends NioTlsMessageChannel implements PeerOpenedChannel {
    private final StreamFraming framing;

    FramedTlsChannel(NioTcpMessageProcessor processor, SocketChannel socket, StreamFraming framing)
            throws IOException {
        super(processor, socket);
        this.framing = framing;
    }

    @Override
    public void addPlaintextBytes(byte[] bytes) throws Exception {
        byte[] admitted = framing.admit(bytes, this, response -> sendMessage(response, false));
        if (admitted != null && admitted.length > 0) {
            super.addPlaintextBytes(admitted);
        }
    }
}
