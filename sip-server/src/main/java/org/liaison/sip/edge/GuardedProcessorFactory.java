package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * JAIN-SIP's NIO processors, with TCP's and TLS's accepted connections reported to the
 * {@link ConnectionGuard}, and UDP's datagrams read by the stack's workers themselves ({@link DatagramProcessor}). Extends the NIO factory on
 * purpose: the stack checks for it to pick its NIO paths.
 */
final class GuardedProcessorFactory extends NioMessageProcessorFactory {
    private final ConnectionGuard guard;
    private final Supplier<StreamFraming> framing;
    private final int udpWorkers;
    private final LongAdder datagramsExpired;
    private final PeerTrust trust;

    /**
     * {@code framing}: a new {@link StreamFraming} for each connection; {@code udpWorkers} threads parse and route
     * each UDP listener's datagrams, and {@code datagramsExpired} counts those dropped as late;
     * {@code trust}: what the TLS connections this server opens check.
     */
    GuardedProcessorFactory(ConnectionGuard guard, Supplier<StreamFraming> framing, int udpWorkers,
            LongAdder datagramsExpired, PeerTrust trust) {
        this.guard = guard;
        this.framing = framing;
        this.udpWorkers = udpWorkers;
        this.datagramsExpired = datagramsExpired;
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
        if ("udp".equals(name)) {
            DatagramProcessor udp = new DatagramProcessor(address, stack, port, udpWorkers, datagramsExpired);
            sendFromListeningSockets(stack);
            return udp;
        }
        return super.createMessageProcessor(stack, address, port, transport);
    }

    /**
     * What the NIO factory sets when it makes a UDP processor, and nothing else can: the stack then sends over UDP
     * from the listener's own socket (as RFC 3581 clients behind NAT need) instead of a new socket per message.
     */
    private static void sendFromListeningSockets(SIPTransactionStack stack) throws IOException {
        try {
            Field udpFlag = SIPTransactionStack.class.getDeclaredField("udpFlag");
            udpFlag.setAccessible(true);
            udpFlag.setBoolean(stack, true);
        } catch (ReflectiveOperationException e) {
            throw new IOException("this JAIN-SIP has no udpFlag to set: " + e, e);
        }
    }
}
