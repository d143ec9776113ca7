package org.liaison.provisioning.client;

import java.util.Locale;
import java.util.Objects;

/**
 * Where clients send their SIP: the server's public address, port and transport. Provisioned
 * clients register here, over TLS ({@code sips:}) whenever the server has a TLS listener.
 *
 * @param host      a host name or IP literal (IPv6 without brackets)
 * @param port      the listener's port
 * @param transport {@code tls}, {@code tcp} or {@code udp}
 */
public record SipEndpoint(String host, int port, String transport) {
    public SipEndpoint {
        Objects.requireNonNull(host, "host");
        transport = transport.toLowerCase(Locale.ROOT);
        if (!transport.equals("tls") && !transport.equals("tcp") && !transport.equals("udp")) {
            throw new IllegalArgumentException("transport must be tls, tcp or udp, got " + transport);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** TLS-protected signalling: identities become {@code sips:}. */
    public boolean secure() {
        return transport.equals("tls");
    }

    /** {@code sip} or {@code sips}. */
    public String scheme() {
        return secure() ? "sips" : "sip";
    }

    /** The outbound proxy URI, e.g. {@code <sip:192.0.2.1:5061;transport=tls>}. */
    public String proxyUri() {
        return "<sip:" + hostPort() + ";transport=" + transport + ">";
    }

    /** The route every request takes (loose routing, RFC 3261 §16.12). */
    public String routeUri() {
        return "<sip:" + hostPort() + ";transport=" + transport + ";lr>";
    }

    private String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
