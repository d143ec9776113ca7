package org.liaison.sip.edge;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket of a UDP listening point, as JAIN-SIP's UDP message processor uses it. Its workers read it through
 * {@link DatagramReaders}, which hands them only the datagrams that {@link #passes} ({@link DatagramAdmission} lets
 * them through and {@link StrictSyntax} finds them well formed); the rest are dropped (or refused) before the stack
 * parses them. Sending is the plain socket's (the stack sends its responses and forwarded requests from this same
 * socket; nothing here touches that path but the one fix below).
 */
final class AdmittingDatagramSocket extends DatagramSocket {
    private static final Logger log = LoggerFactory.getLogger(AdmittingDatagramSocket.class);
    private static final byte[] BAD_REQUEST_WITH_DETAIL = "SIP/2.0 400 Bad Request (".getBytes(StandardCharsets.US_ASCII);

    private final DatagramAdmission admission;
    private final ResponsesSent sent;

    AdmittingDatagramSocket(InetSocketAddress bindTo, DatagramAdmission admission, ResponsesSent sent)
            throws SocketException {
        super(bindTo);
        this.admission = admission;
        this.sent = sent;
    }

    /** Whether the datagram just read into {@code packet} may go on to the stack. */
    boolean passes(DatagramPacket packet) throws IOException {
        return admission.admit(packet.getAddress(), packet.getLength()) && wellFormed(packet);
    }

    /**
     * Whether the datagram passes {@link StrictSyntax}; if not, a request is answered here, before
     * the stack creates any transaction for it, to where it came from (as the stack's own automatic
     * 400 is, and as RFC 3581 wants), and dropped.
     */
    private boolean wellFormed(DatagramPacket packet) throws IOException {
        Optional<StrictSyntax.Violation> violation = StrictSyntax.check(packet.getData(), packet.getLength());
        if (violation.isEmpty()) {
            return true;
        }
        StrictSyntax.Violation v = violation.get();
        Optional<byte[]> answer = StatelessRefusal.to(packet.getData(), packet.getLength(), v.status, v.phrase);
        log.debug("refused a datagram from {}: {} ({})", packet.getSocketAddress(), v.description,
                answer.isPresent() ? "answered " + v.status : "dropped");
        if (answer.isPresent()) {
            super.send(new DatagramPacket(answer.get(), answer.get().length, packet.getSocketAddress()));
            sent.refused(answer.get());
        }
        return false;
    }

    /**
     * JAIN-SIP answers a request it cannot parse with a 400 whose reason phrase quotes the parser's
     * complaint, with the offending header's text, CR LF included: a malformed response echoing what
     * the client sent. It builds that text itself and sends it straight to the socket, so this is the
     * one place to cut the reason phrase back to "Bad Request".
     */
    @Override
    public void send(DatagramPacket packet) throws IOException {
        boolean automatic = AutomaticBadRequest.isOne(packet);
        DatagramPacket clean = AutomaticBadRequest.clean(packet);
        if (clean != null) {
            super.send(clean);
            if (automatic) {
                int from = clean.getOffset();
                sent.refused(Arrays.copyOfRange(clean.getData(), from, from + clean.getLength()));
            }
        }
    }
}
