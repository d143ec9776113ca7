package org.liaison.sip.tls.acme;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a TLS ClientHello asks for, read from its bytes before any {@code SSLEngine} sees it: the host name of its
 * server_name extension (RFC 6066 §3) and the protocols of its ALPN extension (RFC 7301 §3.1). Under TLS 1.2 the
 * JDK's server engine picks its certificate before it asks the ALPN selector ({@code ClientHelloTest} shows it), so
 * a certificate that depends on ALPN, as RFC 8737's does, is chosen from the bytes.
 *
 * @param serverName the requested host name, lower case; empty when none is
 * @param protocols  the offered application protocols, in the client's order
 */
record ClientHello(String serverName, List<String> protocols) {
    private static final int SERVER_NAME = 0;
    private static final int ALPN = 16;
    private static final int HOST_NAME = 0;

    ClientHello {
        protocols = List.copyOf(protocols);
    }

    /**
     * Reads the body of a ClientHello handshake message (RFC 8446 §4.1.2, as Netty's {@code SslClientHelloHandler}
     * hands it over: after the 4-byte handshake header). Truncated or malformed: no name and no protocols, and the
     * TLS engine that reads it next refuses it.
     */
    static ClientHello read(ByteBuf body) {
        String serverName = "";
        List<String> protocols = new ArrayList<>();
        try {
            int at = body.readerIndex() + 2 + 32; // legacy_version, random
            at += 1 + body.getUnsignedByte(at); // legacy_session_id
            at += 2 + body.getUnsignedShort(at); // cipher_suites
            at += 1 + body.getUnsignedByte(at); // legacy_compression_methods
            int end = at + 2 + body.getUnsignedShort(at);
            at += 2;
            while (at + 4 <= end) {
                int type = body.getUnsignedShort(at);
                int length = body.getUnsignedShort(at + 2);
                int data = at + 4;
                if (type == SERVER_NAME) {
                    serverName = hostName(body, data + 2, data + length);
                } else if (type == ALPN) {
                    protocols = names(body, data + 2, data + length);
                }
                at = data + length;
            }
        } catch (IndexOutOfBoundsException e) {
            return new ClientHello("", List.of());
        }
        return new ClientHello(serverName, protocols);
    }

    /** The first entry of type host_name in a ServerNameList. */
    private static String hostName(ByteBuf body, int at, int end) {
        while (at + 3 <= end) {
            int type = body.getUnsignedByte(at);
            int length = body.getUnsignedShort(at + 1);
            if (type == HOST_NAME && at + 3 + length <= end) {
                return body.toString(at + 3, length, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            }
            at += 3 + length;
        }
        return "";
    }

    /** A ProtocolNameList: one-byte lengths. */
    private static List<String> names(ByteBuf body, int at, int end) {
        List<String> names = new ArrayList<>();
        while (at + 1 <= end) {
            int length = body.getUnsignedByte(at);
            if (at + 1 + length > end) {
                break;
            }
            names.add(body.toString(at + 1, length, StandardCharsets.US_ASCII));
            at += 1 + length;
        }
        return names;
    }
}
