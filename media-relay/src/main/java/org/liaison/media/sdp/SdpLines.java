package org.liaison.media.sdp;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.liaison.media.MediaRelayException;

/** The line-level rules shared by the session and media sections. */
final class SdpLines {
    /** ICE attributes (RFC 8839) removed: behind the relay the only candidate is the relay port. */
    private static final Set<String> ICE_ATTRIBUTES = Set.of("candidate", "ice-ufrag", "ice-pwd", "ice-options",
            "end-of-candidates", "remote-candidates", "ice-lite", "ice-mismatch");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private SdpLines() {
    }

    static MediaRelayException bad(String what) {
        return new MediaRelayException(MediaRelayException.Reason.BAD_SDP, what);
    }

    /** The address of the first {@code c=} line among {@code lines}, if any. */
    static Optional<InetAddress> connectionAddress(List<String> lines) throws MediaRelayException {
        for (String line : lines) {
            if (line.startsWith("c=")) {
                return Optional.of(parseConnection(line));
            }
        }
        return Optional.empty();
    }

    /** {@code c=IN IP4 <literal>} or {@code c=IN IP6 <literal>}; host names and multicast are refused. */
    static InetAddress parseConnection(String line) throws MediaRelayException {
        String[] parts = line.substring(2).trim().split(" +");
        if (parts.length != 3 || !parts[0].equals("IN")) {
            throw bad("bad connection line \"" + line + "\"");
        }
        boolean v4 = parts[1].equals("IP4");
        if (!(v4 ? IPV4 : IPV6).matcher(parts[2]).matches() || !v4 && !parts[1].equals("IP6")) {
            throw bad("connection address \"" + parts[2] + "\" is not an " + parts[1] + " literal");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(parts[2]); // a literal (checked above): no DNS lookup
        } catch (UnknownHostException e) {
            throw bad("connection address \"" + parts[2] + "\" is not an address");
        }
        if (address.isMulticastAddress() || v4 != (address instanceof Inet4Address)) {
            throw bad("connection address \"" + parts[2] + "\" is not a unicast " + parts[1] + " address");
        }
        return address;
    }

    static String connectionLine(InetAddress address) {
        // RFC 5952 text for IPv6 (2001:db8::1, not 2001:db8:0:0:0:0:0:1)
        return "c=IN " + (address instanceof Inet6Address ? "IP6 " : "IP4 ") + NetUtil.toAddressString(address);
    }

    /** Rewrites every {@code c=} line to {@code relay}, keeping hold addresses (0.0.0.0, ::). */
    static void replaceConnection(List<String> lines, InetAddress relay) {
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("c=") && !isHold(line)) {
                lines.set(i, connectionLine(relay));
            }
        }
    }

    static boolean isHold(String connectionLine) {
        String address = connectionLine.substring(connectionLine.lastIndexOf(' ') + 1);
        return address.equals("0.0.0.0") || address.equals("::");
    }

    static void removeIce(List<String> lines) {
        lines.removeIf(line -> ICE_ATTRIBUTES.contains(attributeName(line)));
    }

    /** The name of an {@code a=name[:value]} line, or "" for other lines. */
    static String attributeName(String line) {
        if (!line.startsWith("a=")) {
            return "";
        }
        int colon = line.indexOf(':');
        return colon < 0 ? line.substring(2) : line.substring(2, colon);
    }
}
