package org.liaison.sip.config;

import java.net.InetAddress;
import java.util.List;

/** A CIDR block such as {@code 127.0.0.0/8} or {@code ::1/128}. */
public record AddressRange(InetAddress network, int prefixLength) {
    public AddressRange {
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0-" + bits);
        }
    }

    /** Parses {@code address[/prefix]}; null when the text is not such a block. */
    static AddressRange parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = ConfigReader.parseAddressLiteral(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            return null;
        }
        int bits = address.getAddress().length * 8;
        try {
            int prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
            return prefix < 0 || prefix > bits ? null : new AddressRange(address, prefix);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether one of {@code ranges} contains {@code address}. */
    static boolean anyContains(List<AddressRange> ranges, InetAddress address) {
        for (AddressRange range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
