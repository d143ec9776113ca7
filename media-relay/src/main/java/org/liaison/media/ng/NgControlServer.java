package org.liaison.media.ng;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.liaison.media.CallStats;
import org.liaison.media.MediaRelay;
import org.liaison.media.MediaRelayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the rtpengine "ng" control protocol on UDP so a SIP server elsewhere (another Liaison,
 * Kamailio's rtpengine module, OpenSIPS) can drive this relay. Subset: {@code ping},
 * {@code offer}, {@code answer}, {@code delete}, {@code query}, with the keys {@code command},
 * {@code call-id}, {@code from-tag}, {@code to-tag}, {@code sdp}, {@code received-from} (where the
 * SIP message carrying the SDP came from, as Kamailio's rtpengine module sends it); other keys (flags, replace, ICE
 * ...) are ignored: the relay always behaves as documented in docs/architecture.md. Replies carry
 * {@code result} ({@code pong}, {@code ok}, {@code error}) and, for errors, {@code error-reason}
 * plus our {@code liaison-reason} (the {@link MediaRelayException.Reason} name).
 *
 * <p>Commands run one at a time on one thread: they are signalling, not packets. A retransmitted
 * offer or answer is simply handled again; both are idempotent for the same SDP.
 */
public final class NgControlServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NgControlServer.class);
    private static final int MAX_MESSAGE_BYTES = 65535;
    static final String RECEIVED_FROM = "received-from";

    private final MediaRelay relay;
    private final DatagramSocket socket;
    private final Thread thread;

    private NgControlServer(MediaRelay relay, DatagramSocket socket) {
        this.relay = relay;
        this.socket = socket;
        this.thread = new Thread(this::serve, "ng-control");
        this.thread.setDaemon(true);
    }

    /** Listens on {@code at} (port 0: any free port) and serves {@code relay}. */
    public static NgControlServer start(MediaRelay relay, InetSocketAddress at) throws IOException {
        NgControlServer server = new NgControlServer(relay, new DatagramSocket(at));
        server.thread.start();
        log.info("ng control listening on udp {}", server.socket.getLocalSocketAddress());
        return server;
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() {
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve() {
        byte[] buffer = new byte[MAX_MESSAGE_BYTES];
        while (!socket.isClosed()) {
            DatagramPacket request = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(request);
                NgPacket packet;
                try {
                    packet = NgPacket.parse(buffer, request.getLength());
                } catch (NgException e) {
                    log.debug("ng: unreadable message from {}: {}", request.getSocketAddress(), e.getMessage());
                    continue; // without a cookie there is nothing to answer to
                }
                byte[] reply = new NgPacket(packet.cookie(), handle(packet)).toBytes();
                socket.send(new DatagramPacket(reply, reply.length, request.getSocketAddress()));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException | RuntimeException e) {
                log.warn("ng: {}", e.toString());
            }
        }
    }

    /** The reply dictionary for one command. */
    Map<String, Object> handle(NgPacket request) {
        Map<String, Object> reply = new LinkedHashMap<>();
        try {
            String command = request.required("command");
            switch (command) {
                case "ping":
                    reply.put("result", "pong");
                    return reply;
                case "offer":
                    reply.put("sdp", relay.offer(request.required("call-id"), request.required("from-tag"),
                            request.text("to-tag"), request.required("sdp"), request.address(RECEIVED_FROM)));
                    break;
                case "answer":
                    reply.put("sdp", relay.answer(request.required("call-id"), request.required("from-tag"),
                            request.required("to-tag"), request.required("sdp"), request.address(RECEIVED_FROM)));
                    break;
                case "delete":
                    relay.delete(request.required("call-id"), request.text("to-tag"));
                    break;
                case "query": {
                    Optional<CallStats> stats = relay.query(request.required("call-id"));
                    if (stats.isEmpty()) {
                        return error(MediaRelayException.Reason.UNKNOWN_CALL, "Unknown call-id");
                    }
                    reply.put("streams", NgStats.toWire(stats.get()));
                    break;
                }
                default:
                    return error(null, "Unrecognized command");
            }
            reply.put("result", "ok");
            return reply;
        } catch (NgException e) {
            return error(null, e.getMessage());
        } catch (MediaRelayException e) {
            return error(e.reason(), e.getMessage());
        }
    }

    private static Map<String, Object> error(MediaRelayException.Reason reason, String why) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("result", "error");
        reply.put("error-reason", why);
        if (reason != null) {
            reply.put("liaison-reason", reason.name());
        }
        return reply;
    }
}
