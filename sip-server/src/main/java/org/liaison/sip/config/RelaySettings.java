package org.liaison.sip.config;

import java.net.InetAddress;

/**
 * Where the media relay takes its ports. Read and validated now so that a bad value stops startup;
 * the relay itself is wired in by the media relay work.
 */
public record RelaySettings(InetAddress address, int portMin, int portMax) {
    static RelaySettings from(ConfigReader r) throws ConfigException {
        InetAddress address = r.address("relay.address", "127.0.0.1");
        int min = r.integer("relay.port-min", 30000, 1024, 65534);
        int max = r.integer("relay.port-max", 39999, 1025, 65535);
        if (min % 2 != 0) {
            throw r.problem("relay.port-min", min + " is odd; RTP takes even ports and RTCP the odd one above");
        }
        if (max <= min + 2) {
            throw r.problem("relay.port-max", max + " leaves fewer than two port pairs above relay.port-min " + min);
        }
        return new RelaySettings(address, min, max);
    }
}
