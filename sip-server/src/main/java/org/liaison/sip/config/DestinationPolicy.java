package org.liaison.sip.config;

import java.net.InetAddress;
import java.util.List;

/**
 * Where the server may send SIP: a bound on the damage of a bad Contact (scanners register
 * contacts like {@code 1.1.1.1}) and the guarantee tests rely on that nothing leaves loopback.
 * An empty list allows every address.
 */
public record DestinationPolicy(List<AddressRange> allowed) {
    public DestinationPolicy {
        allowed = List.copyOf(allowed);
    }

    /** Whether {@code host}, an IP literal, may be sent to; a host name never (the server resolves none). */
    public boolean allowsHost(String host) {
        InetAddress address = IpLiteral.parse(host);
        return address != null && allows(address);
    }

    public boolean allows(InetAddress destination) {
        if (allowed.isEmpty()) {
            return true;
        }
        for (AddressRange range : allowed) {
            if (range.contains(destination)) {
                return true;
            }
        }
        return false;
    }
}
