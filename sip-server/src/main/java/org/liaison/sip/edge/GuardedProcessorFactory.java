package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * JAIN-SIP's NIO processors, with TCP's and TLS's accepted connections reported to the
 * {@link ConnectionGuard}. Extends the NIO factory on purpose: the stack
 * checks for it to pick its NIO paths.
 */
final class GuardedProcessorFactory extends NioMessageProcessorFactory {
    private final ConnectionGuard guard;
    private final Supplier<StreamFraming> framing;
    private final PeerTrust trust;

    /**
     * {@code framing}: a new {@link StreamFraming} for each connection; {@code trust}: what the TLS connections this
     * server opens check.
     */
    GuardedProcessorFactory(ConnectionGuard guard, Supplier<StreamFraming> framing, PeerTrust trust) {
        this.guard = guard;
        this.framing = framing;
        this.trust = trust;
    }

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
            String transport) throws IOException {
        String name = transport.toLowerCase(Locale.ROOT);
        if ("tcp".equals(name)) {
            return new GuardedTcpProcessor(address, stack, port, guard, framing);
        }
        if ("tls".equals(name)) {
            return new GuardedTlsProcessor(address, stack, port, guard, framing, trust);
        }
        return super.createMessageProcessor(stack, address, port, transport);
    }
}
