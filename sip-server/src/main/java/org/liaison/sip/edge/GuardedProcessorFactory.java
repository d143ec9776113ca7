package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;

/**
 * JAIN-SIP's NIO processors, with TCP's accepted connections reported to the {@link ConnectionGuard}
 * (a TLS processor can report to it the same way). Extends the NIO factory on purpose: the stack
 * checks for it to pick its NIO paths.
 */
final class GuardedProcessorFactory extends NioMessageProcessorFactory {
    private final ConnectionGuard guard;
    private final int maxMessageBytes;

    GuardedProcessorFactory(ConnectionGuard guard, int maxMessageBytes) {
        this.guard = guard;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port,
            String transport) throws IOException {
        if ("tcp".equals(transport.toLowerCase(Locale.ROOT))) {
            return new GuardedTcpProcessor(address, stack, port, guard, maxMessageBytes);
        }
        return super.createMessageProcessor(stack, address, port, transport);
    }
}
