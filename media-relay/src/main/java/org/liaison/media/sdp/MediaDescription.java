package org.liaison.media.sdp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.liaison.media.MediaRelayException;

/**
 * One m= section: its media type, transport profile and attributes (what the SIP server's
 * encryption policy reads), where its endpoint receives RTP and RTCP, and the rewrite to relay ports.
 */
public final class MediaDescription {
    private final List<String> lines;
    private final List<String> sessionLines;
    private String type;
    private String proto;
    private int port;
    private InetAddress address;
    private boolean rtcpMux;
    private int rtcpIndex = -1;
    private int rtcpPort;
    private InetAddress rtcpAddress;

    /** {@code sessionLines}: the session-level lines before the first m=, whose attributes apply here too. */
    MediaDescription(List<String> lines, List<String> sessionLines) {
        this.lines = lines;
        this.sessionLines = sessionLines;
    }

    /** Reads the section's lines; {@code sessionAddress} is the session-level c=, if any. */
    void resolve(Optional<InetAddress> sessionAddress) throws MediaRelayException {
        String mLine = lines.get(0);
        String[] fields = mLine.substring(2).split(" ");
        if (fields.length < 4) {
            throw SdpLines.bad("bad media line \"" + mLine + "\"");
        }
        type = fields[0];
        port = parsePort(fields[1].split("/")[0], mLine);
        proto = fields[2];
        Optional<InetAddress> own = SdpLines.connectionAddress(lines);
        if (own.isEmpty() && sessionAddress.isEmpty() && port != 0) {
            throw SdpLines.bad("media line \"" + mLine + "\" has no connection address");
        }
        address = own.or(() -> sessionAddress).orElse(null);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            String name = SdpLines.attributeName(line);
            if (name.equals("rtcp-mux")) {
                rtcpMux = true;
            } else if (name.equals("rtcp")) {
                readRtcp(i, line);
            }
        }
        if (port == 65535 && rtcpIndex < 0) {
            throw SdpLines.bad("media line \"" + mLine + "\" leaves no port above it for RTCP");
        }
    }

    /** The media type of the m= line ({@code audio}, {@code video}, {@code message}, ...). */
    public String type() {
        return type;
    }

    /** The transport profile of the m= line ({@code RTP/AVP}, {@code UDP/TLS/RTP/SAVPF}, {@code TCP/TLS/MSRP}, ...). */
    public String proto() {
        return proto;
    }

    /**
     * Whether an {@code a=name} or {@code a=name:value} line applies to this section: its own or a
     * session-level one (a=fingerprint, RFC 8122 §5, and a=zrtp-hash, RFC 6189 §8, may be either).
     * Names are compared ignoring case.
     */
    public boolean hasAttribute(String name) {
        return hasAttribute(lines, name) || hasAttribute(sessionLines, name);
    }

    /** Rejected or disabled (port 0, RFC 3264 §6): no relay ports, the 0 stays. */
    public boolean rejected() {
        return port == 0;
    }

    /** Whether RTCP shares the RTP port (a=rtcp-mux, RFC 5761). */
    public boolean rtcpMux() {
        return rtcpMux;
    }

    /** The connection address applying to this section ({@code 0.0.0.0} or {@code ::} for hold). */
    public InetAddress address() {
        return address;
    }

    /** Where the endpoint receives RTP. */
    public InetSocketAddress rtpEndpoint() {
        return new InetSocketAddress(address, port);
    }

    /**
     * Where the endpoint receives RTCP when it is not multiplexed (no rtcp-mux, or the answer
     * declined it, RFC 5761 §5.1.1): a=rtcp (RFC 3605), else the port above the RTP port.
     */
    public InetSocketAddress rtcpEndpoint() {
        if (rtcpIndex >= 0) {
            return new InetSocketAddress(rtcpAddress != null ? rtcpAddress : address, rtcpPort);
        }
        return new InetSocketAddress(address, port + 1);
    }

    /**
     * Points the section at the relay: m= port, c= (hold addresses stay), a=rtcp; removes ICE
     * attributes. Everything else is kept as it was.
     */
    public void relayVia(InetAddress relay, int relayRtpPort, int relayRtcpPort) {
        String[] fields = lines.get(0).split(" ", 3);
        String[] portAndCount = fields[1].split("/", 2);
        fields[1] = relayRtpPort + (portAndCount.length > 1 ? "/" + portAndCount[1] : "");
        lines.set(0, String.join(" ", fields));
        SdpLines.replaceConnection(lines, relay);
        if (rtcpIndex >= 0) {
            String withAddress = rtcpAddress == null ? "" : " " + SdpLines.connectionLine(relay).substring(2);
            lines.set(rtcpIndex, "a=rtcp:" + relayRtcpPort + withAddress);
        }
        SdpLines.removeIce(lines);
    }

    void appendTo(StringBuilder out) {
        for (String line : lines) {
            out.append(line).append("\r\n");
        }
    }

    private void readRtcp(int index, String line) throws MediaRelayException {
        // a=rtcp:<port> [IN IP4|IP6 <address>]
        String value = line.substring("a=rtcp:".length()).trim();
        int space = value.indexOf(' ');
        rtcpIndex = index;
        rtcpPort = parsePort(space < 0 ? value : value.substring(0, space), line);
        rtcpAddress = space < 0 ? null : SdpLines.parseConnection("c=" + value.substring(space + 1));
    }

    private static boolean hasAttribute(List<String> lines, String name) {
        return lines.stream().anyMatch(line -> SdpLines.attributeName(line).equalsIgnoreCase(name));
    }

    private static int parsePort(String text, String line) throws MediaRelayException {
        try {
            int value = Integer.parseInt(text);
            if (value >= 0 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw SdpLines.bad("bad port in \"" + line + "\"");
    }
}
