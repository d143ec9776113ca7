package org.liaison.sip.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where an authentication attempt comes from: the packet's source address, and the marks that tell one device at
 * that address from another. Many devices share one address behind a NAT; what sets each apart is what it sends
 * (its {@code +sip.instance}, RFC 5626 §4.1, and its Contact URI) and the flow it sends from (transport and source
 * port, which the NAT gives each device). A device that authenticated keeps its marks trusted, so it keeps working
 * while strangers at the same address are refused (see {@link AuthFailureLimiter}).
 *
 * @param address the packet's source address (never a Via's claim)
 * @param device  the device's marks; empty when the request carries nothing that tells devices apart
 */
public record Origin(InetAddress address, Set<String> device) {
    /** Mark prefixes: the device's {@code +sip.instance}, its Contact URI, its flow (transport and source port). */
    public static final String INSTANCE = "instance:";
    public static final String CONTACT = "contact:";
    public static final String FLOW = "flow:";

    public Origin {
        Objects.requireNonNull(address, "address");
        device = Set.copyOf(device);
    }

    /**
     * The mark that names the device best: its instance (RFC 5626 §4.1: the same device whatever its flow or
     * Contact), else its Contact, else its flow; empty when there are no marks. Two phones behind one NAT may send
     * from the same port in turn (a NAT reusing a mapping, two softphones set to one port), never with one instance.
     */
    Optional<String> identity() {
        // one pass, no streams: asked on every authenticated request (issue 12)
        String instance = null;
        String contact = null;
        String flow = null;
        String other = null;
        for (String mark : device) {
            if (mark.startsWith(INSTANCE)) {
                instance = instance == null ? mark : instance;
            } else if (mark.startsWith(CONTACT)) {
                contact = contact == null ? mark : contact;
            } else if (mark.startsWith(FLOW)) {
                flow = flow == null ? mark : flow;
            } else if (other == null) {
                other = mark;
            }
        }
        return Optional.ofNullable(instance != null ? instance : contact != null ? contact : flow != null ? flow
                : other);
    }

    /**
     * The address that failures are counted against: an IPv4 address, or the /64 an IPv6 address is in, since one host
     * is given a whole /64 and could otherwise try each of its addresses in turn (RFC 6177).
     */
    InetAddress counted() {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] prefix = new byte[16];
        System.arraycopy(address.getAddress(), 0, prefix, 0, 8);
        try {
            return InetAddress.getByAddress(prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }
}
