package org.liaison.sip.media;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Message;

/**
 * The little the SIP side reads of an SDP body (RFC 8866): each m-line's port, transport profile,
 * connection address and attribute names. Rewriting is the relay's job; this only decides policy.
 */
record SessionDescription(String text, List<Media> media) {

    /**
     * One m-line. {@code connection} is its own c= address or the session's; {@code attributes} are
     * the names of its a= lines and the session-level ones (a=fingerprint and a=zrtp-hash may be either).
     */
    record Media(String type, int port, String proto, Optional<String> connection, Set<String> attributes) {
        boolean isActive() {
            return port != 0;
        }

        boolean isRtp() {
            return proto.toUpperCase(Locale.ROOT).contains("RTP");
        }
    }

    /** The SDP body of {@code message}, if it carries one (multipart bodies are not looked into). */
    static Optional<SessionDescription> of(Message message) {
        ContentTypeHeader type = (ContentTypeHeader) message.getHeader(ContentTypeHeader.NAME);
        byte[] body = message.getRawContent();
        if (type == null || body == null || body.length == 0 || !"application".equalsIgnoreCase(type.getContentType())
                || !"sdp".equalsIgnoreCase(type.getContentSubType())) {
            return Optional.empty();
        }
        return Optional.of(parse(new String(body, StandardCharsets.UTF_8)));
    }

    /** Whether {@code message} has a multipart body (RFC 5621), whose parts this class does not read. */
    static boolean isMultipart(Message message) {
        ContentTypeHeader type = (ContentTypeHeader) message.getHeader(ContentTypeHeader.NAME);
        byte[] body = message.getRawContent();
        return type != null && body != null && body.length > 0 && "multipart".equalsIgnoreCase(type.getContentType());
    }

    static SessionDescription parse(String text) {
        Optional<String> sessionConnection = Optional.empty();
        Set<String> sessionAttributes = new HashSet<>();
        List<String[]> mLines = new ArrayList<>();
        List<Optional<String>> connections = new ArrayList<>();
        List<Set<String>> attributes = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            if (line.length() < 2 || line.charAt(1) != '=') {
                continue;
            }
            String value = line.substring(2).trim();
            boolean inMedia = !mLines.isEmpty();
            switch (line.charAt(0)) {
                case 'm' -> {
                    mLines.add(value.split("\\s+"));
                    connections.add(Optional.empty());
                    attributes.add(new HashSet<>());
                }
                case 'c' -> {
                    Optional<String> address = connectionAddress(value);
                    if (inMedia) {
                        connections.set(connections.size() - 1, address);
                    } else {
                        sessionConnection = address;
                    }
                }
                case 'a' -> {
                    int colon = value.indexOf(':');
                    String name = (colon < 0 ? value : value.substring(0, colon)).toLowerCase(Locale.ROOT);
                    (inMedia ? attributes.get(attributes.size() - 1) : sessionAttributes).add(name);
                }
                default -> {
                    // other lines do not matter to policy
                }
            }
        }
        Optional<String> sessionWide = sessionConnection;
        List<Media> media = new ArrayList<>();
        for (int i = 0; i < mLines.size(); i++) {
            String[] m = mLines.get(i);
            Set<String> names = new HashSet<>(attributes.get(i));
            names.addAll(sessionAttributes);
            media.add(new Media(m[0], m.length > 1 ? port(m[1]) : 0, m.length > 2 ? m[2] : "",
                    connections.get(i).or(() -> sessionWide),
                    Set.copyOf(names)));
        }
        return new SessionDescription(text, List.copyOf(media));
    }

    /** Replaces the body of {@code message}; JAIN-SIP fixes Content-Length. */
    static void replace(Message message, String sdp) {
        try {
            message.setContent(sdp, (ContentTypeHeader) message.getHeader(ContentTypeHeader.NAME));
        } catch (ParseException e) {
            throw new IllegalStateException("cannot set an SDP body", e);
        }
    }

    /** "IN IP4 192.0.2.1" → "192.0.2.1" (a multicast TTL suffix dropped). */
    private static Optional<String> connectionAddress(String value) {
        String[] parts = value.split("\\s+");
        if (parts.length < 3) {
            return Optional.empty();
        }
        String address = parts[2];
        int slash = address.indexOf('/');
        return Optional.of(slash < 0 ? address : address.substring(0, slash));
    }

    /** "49170" or "49170/2" → 49170; garbage → 0 (treated as a rejected stream). */
    private static int port(String text) {
        int slash = text.indexOf('/');
        try {
            return Integer.parseInt(slash < 0 ? text : text.substring(0, slash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
