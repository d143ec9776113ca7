package org.liaison.sip.edge;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The socket of a UDP listening point, as JAIN-SIP's UDP message processor uses it: {@link #receive}
 * returns only datagrams {@link DatagramAdmission} lets through, the rest are dropped before the
 * stack queues or parses them. Sending is the plain socket's (the stack sends its responses and
 * forwarded requests from this same socket; nothing here touches that path but the one fix below).
 */
final class AdmittingDatagramSocket extends DatagramSocket {
    private static final byte[] BAD_REQUEST_WITH_DETAIL = "SIP/2.0 400 Bad Request (".getBytes(StandardCharsets.US_ASCII);

    private final DatagramAdmission admission;

    AdmittingDatagramSocket(InetSocketAddress bindTo, DatagramAdmission admission) throws SocketException {
        super(bindTo);
        this.admission = admission;
    }

    /**
     * Receives the next admitted datagram. The stack hands in a buffer as large as the largest
     * datagram and queues the packet until a worker parses it; the packet leaves here holding a
     * buffer of the datagram's own size, so a queue of small datagrams does not keep 64 KB each.
     */
    @Override
    public void receive(DatagramPacket packet) throws IOException {
        byte[] buffer = packet.getData();
        while (true) {
            packet.setData(buffer);
            super.receive(packet);
            if (admission.admit(packet.getAddress(), packet.getLength())) {
                packet.setData(Arrays.copyOf(buffer, packet.getLength()));
                return;
            }
        }
    }

    /**
     * JAIN-SIP answers a request it cannot parse with a 400 whose reason phrase quotes the parser's
     * complaint, with the offending header's text, CR LF included: a malformed response echoing what
     * the client sent. It builds that text itself and sends it straight to the socket, so this is the
     * one place to cut the reason phrase back to "Bad Request".
     */
    @Override
    public void send(DatagramPacket packet) throws IOException {
        super.send(AutomaticBadRequest.clean(packet));
    }
}
