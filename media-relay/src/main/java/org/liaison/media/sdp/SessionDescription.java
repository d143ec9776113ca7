package org.liaison.media.sdp;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.liaison.media.MediaRelayException;

/**
 * An SDP body (RFC 8866) as its lines, parsed strictly enough to find and rewrite what the relay
 * changes (connection addresses, media ports, {@code a=rtcp}, ICE attributes) and keeping every
 * other line byte for byte: {@code a=crypto}, {@code a=fingerprint}, {@code a=setup} and
 * {@code a=zrtp-hash} carry the keys' identities and must reach the peer unchanged. The one SDP
 * model of Liaison: the SIP server's media policy reads offers through it too (docs/adr/0001).
 */
public final class SessionDescription {
    private final List<String> sessionLines;
    private final List<MediaDescription> media;

    private SessionDescription(List<String> sessionLines, List<MediaDescription> media) {
        this.sessionLines = sessionLines;
        this.media = media;
    }

    /** Parses {@code text}; lines end in CRLF or LF. Throws BAD_SDP naming the first bad line. */
    public static SessionDescription parse(String text) throws MediaRelayException {
        String[] lines = text.split("\r?\n", -1);
        int count = lines.length;
        while (count > 0 && lines[count - 1].isEmpty()) {
            count--;
        }
        if (count == 0 || !lines[0].equals("v=0")) {
            throw SdpLines.bad("SDP must start with v=0");
        }
        List<String> session = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        List<String> current = session;
        for (int i = 0; i < count; i++) {
            String line = lines[i];
            if (line.length() < 2 || line.charAt(1) != '=' || line.charAt(0) < 'a' || line.charAt(0) > 'z') {
                throw SdpLines.bad("SDP line " + (i + 1) + " is not <letter>=<value>");
            }
            if (line.startsWith("m=")) {
                current = new ArrayList<>();
                media.add(new MediaDescription(current, session));
            }
            current.add(line);
        }
        SessionDescription sdp = new SessionDescription(session, media);
        Optional<InetAddress> sessionAddress = SdpLines.connectionAddress(session);
        for (MediaDescription m : media) {
            m.resolve(sessionAddress);
        }
        return sdp;
    }

    public List<MediaDescription> media() {
        return Collections.unmodifiableList(media);
    }

    /**
     * Points the session-level {@code c=} at the relay (a hold address {@code 0.0.0.0} stays) and
     * drops session-level ICE attributes: the relay is the only candidate.
     */
    public void relayVia(InetAddress relay) {
        SdpLines.replaceConnection(sessionLines, relay);
        SdpLines.removeIce(sessionLines);
    }

    /** The SDP text, CRLF line ends. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (String line : sessionLines) {
            out.append(line).append("\r\n");
        }
        for (MediaDescription m : media) {
            m.appendTo(out);
        }
        return out.toString();
    }
}
