package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageChannel;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.util.LinkedList;
import java.util.concurrent.atomic.LongAdder;

/**
 * JAIN-SIP's UDP message processor without its receive thread: the stack's workers read the listener's socket
 * themselves, each handling what it read ({@link DatagramReaders}: how many read, and what is dropped as late).
 */
final class DatagramProcessor extends UDPMessageProcessor {
    private final int workers;
    private final QueueProbe probe;
    private final DatagramReaders readers;

    /** {@code stack}'s network layer must make {@link AdmittingDatagramSocket}s: no datagram may skip their check. */
    DatagramProcessor(InetAddress address, SIPTransactionStack stack, int port, int workers, LongAdder expired)
            throws IOException {
        super(address, stack, port);
        this.workers = workers;
        this.probe = new QueueProbe(sock, System::nanoTime, QueueProbe.EVERY_NANOS);
        this.readers = new DatagramReaders(sock, ((AdmittingDatagramSocket) sock)::passes, probe, workers,
                System::nanoTime, expired);
        this.messageQueue = readers;
        this.messageChannels = new LinkedList<>();
    }

    /**
     * Starts the workers and the queue's probe, and no receive thread (the stack's {@code start} would start one to
     * fill its queue).
     */
    @Override
    public void start() {
        isRunning = true;
        probe.start();
        for (int i = 0; i < workers; i++) {
            // the stack's own worker, which takes from messageQueue; subclassed only to reach its constructor
            messageChannels.add(new UDPMessageChannel(sipStack, this, "liaison-UDPMessageChannelThread-" + i) {
            });
        }
    }

    /**
     * Not running first: a worker whose {@code take} is interrupted goes on to handle a null packet unless it sees
     * the processor stopped.
     */
    @Override
    public void stop() {
        isRunning = false;
        readers.stop();
        probe.close();
        super.stop();
    }
}
