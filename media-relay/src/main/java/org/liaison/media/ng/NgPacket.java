package org.liaison.media.ng;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One ng datagram: {@code <cookie> <bencoded dictionary>}. The cookie (any text without a space)
 * pairs a reply with its request; the reply repeats it.
 */
record NgPacket(String cookie, Map<String, Object> body) {

    static NgPacket parse(byte[] data, int length) throws NgException {
        int space = 0;
        while (space < length && data[space] != ' ') {
            space++;
        }
        if (space == 0 || space == length) {
            throw new NgException("ng packet must be \"<cookie> <bencoded dictionary>\"");
        }
        String cookie = new String(data, 0, space, StandardCharsets.US_ASCII);
        Object body = Bencode.decode(data, space + 1, length);
        if (!(body instanceof Map)) {
            throw new NgException("ng message is not a dictionary");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> dictionary = (Map<String, Object>) body;
        return new NgPacket(cookie, dictionary);
    }

    byte[] toBytes() {
        byte[] head = (cookie + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = Bencode.encode(body);
        byte[] all = new byte[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    /** A text value of the body, if present. */
    Optional<String> text(String key) {
        Object value = body.get(key);
        return value instanceof String ? Optional.of((String) value) : Optional.empty();
    }

    /**
     * An address given as rtpengine does ({@code received-from}: a list of the family,
     * {@code "IP4"} or {@code "IP6"}, and the literal address), if present. Host names are refused,
     * never looked up.
     */
    Optional<InetAddress> address(String key) throws NgException {
        Object value = body.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof String family)
                || !(pair.get(1) instanceof String literal)) {
            throw new NgException(key + " must be a list of \"IP4\" or \"IP6\" and an address");
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(literal);
        boolean familyMatches = "IP4".equals(family) ? address instanceof Inet4Address
                : "IP6".equals(family) && address instanceof Inet6Address;
        if (!familyMatches) {
            throw new NgException(key + ": \"" + literal + "\" is not an " + family + " address");
        }
        return Optional.of(address);
    }

    /** A text value that must be present. */
    String required(String key) throws NgException {
        return text(key).orElseThrow(() -> new NgException("missing key " + key));
    }
}
