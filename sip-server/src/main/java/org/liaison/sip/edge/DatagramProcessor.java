package org.liaison.sip.edge;

import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.UDPMessageChannel;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.util.LinkedList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's UDP message processor with two changes to how datagrams wait for a worker.
 *
 * <p>Under a backlog, a datagram that waited longer than {@link #MAX_WAIT_NANOS} is dropped when a worker reaches it
 * ({@link FreshDatagramQueue}). Its sender
 * retransmits a request after T1 (500 ms, RFC 3261 §17.1.1.2), so an answer later than that crosses the
 * retransmission, which is then answered again: under load (a cold JIT, a registration storm after a restart) the
 * work per request multiplies and the server never catches up. The stack's own audit (CONGESTION_CONTROL_TIMEOUT)
 * sweeps only every 2 s, too coarse for T1. Dropping keeps every answer the server gives within T1 of the request,
 * and the retransmission that follows a drop is served fresh.
 *
 * <p>The receive loop reads into one buffer and queues a copy of the datagram's own size: the stack's loop
 * allocates a new 64 KiB array per datagram, most of the server's allocation under load.
 */
final class DatagramProcessor extends UDPMessageProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(DatagramProcessor.class);
    /** Half of T1: the answer leaves before the first retransmission even after the time to work on it. */
    static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final int LARGEST_DATAGRAM = 65_535;

    private final int workers;

    DatagramProcessor(InetAddress address, SIPTransactionStack stack, int port, int workers, LongAdder expired)
            throws IOException {
        super(address, stack, port);
        this.workers = workers;
        this.messageQueue = new FreshDatagramQueue(MAX_WAIT_NANOS, System::nanoTime, expired);
        this.messageChannels = new LinkedList<>();
    }

    /**
     * Starts the workers here, before the receive thread, not in it as the stack does: a {@link #stop} right after
     * (another listener failed to bind) otherwise walks the worker list while that thread is still filling it.
     */
    @Override
    public void start() throws IOException {
        for (int i = 0; i < workers; i++) {
            // the stack's own worker, which takes from messageQueue; subclassed only to reach its constructor
            messageChannels.add(new UDPMessageChannel(sipStack, this, "liaison-UDPMessageChannelThread-" + i) {
            });
        }
        super.start();
    }

    @Override
    public void run() {
        byte[] buffer = new byte[LARGEST_DATAGRAM];
        while (isRunning) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                sock.receive(packet); // an AdmittingDatagramSocket: hands back a copy of the datagram's own size
                messageQueue.offer(new DatagramQueuedMessageDispatch(packet, System.nanoTime()));
            } catch (IOException e) {
                if (!isRunning) {
                    return;
                }
                LOG.warn("UDP receive on {}:{} failed: {}", getIpAddress().getHostAddress(), getPort(), e.toString());
            }
        }
    }
}
