package org.liaison.sip.message;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sip.address.SipURI;

/** Who "we" are on the wire: the domain served and the sockets listened on. */
public final class LocalAddresses {
    /** One listening socket: what goes into Via sent-by and Record-Route. */
    public record Listener(InetAddress address, int port, String transport) {
        /** The host as written in a SIP URI ({@code [::1]} for IPv6). */
        public String uriHost() {
            return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        }

        public boolean isIpv6() {
            return address instanceof Inet6Address;
        }
    }

    private final String domain;
    private final List<Listener> listeners;

    /** {@code domain} served on every address, on each port that is not 0 ({@code sip.*} settings). */
    public LocalAddresses(String domain, List<InetAddress> addresses, int udpPort, int tcpPort, int tlsPort) {
        this.domain = domain;
        List<Listener> all = new ArrayList<>();
        for (InetAddress a : addresses) {
            if (udpPort != 0) {
                all.add(new Listener(a, udpPort, "UDP"));
            }
            if (tcpPort != 0) {
                all.add(new Listener(a, tcpPort, "TCP"));
            }
            if (tlsPort != 0) {
                all.add(new Listener(a, tlsPort, "TLS"));
            }
        }
        this.listeners = List.copyOf(all);
    }

    public String domain() {
        return domain;
    }

    public List<Listener> listeners() {
        return listeners;
    }

    /** The domain we serve, or one of our addresses: a Request-URI host we are responsible for. */
    public boolean isOurHost(String host) {
        String h = normalizeHost(host);
        if (h.equals(domain)) {
            return true;
        }
        for (Listener l : listeners) {
            if (l.address().getHostAddress().equalsIgnoreCase(h)) {
                return true;
            }
        }
        return false;
    }

    /** The URI names this server itself (a Route we put there, or a request addressed to the server). */
    public boolean isThisServer(SipURI uri) {
        String h = normalizeHost(uri.getHost());
        int port = uri.getPort();
        for (Listener l : listeners) {
            boolean sameHost = l.address().getHostAddress().equalsIgnoreCase(h) || h.equals(domain);
            if (sameHost && (port == -1 || port == l.port())) {
                return true;
            }
        }
        return false;
    }

    /** The listener to send on for a transport and address family. */
    public Optional<Listener> listenerFor(String transport, boolean ipv6) {
        // a loop, not a stream over an upper-cased copy: asked for every request forwarded (issue 12)
        for (Listener l : listeners) {
            if (l.isIpv6() == ipv6 && l.transport().equalsIgnoreCase(transport)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** A host as compared with our own: lower case, an IPv6 literal without brackets and in its canonical form. */
    public static String normalizeHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.contains(":")) {
            // IPv6 literals have many spellings; compare the canonical one
            try {
                return InetAddress.getByName(h).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return h;
            }
        }
        return h;
    }
}
