package org.liaison.sip.wire;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A user of the test server as a client sees it: credentials, and where to send everything.
 *
 * @param tlsCa present for a secure account, as the shipped configuration wants them: signalling over
 *              TLS to {@code serverPort} trusting this CA certificate, and mandatory SDES-SRTP media
 */
record SipAccount(String user, String password, String domain, String serverHost, int serverPort,
        Optional<Path> tlsCa) {

    /** A plain account: UDP signalling, unencrypted media. */
    SipAccount(String user, String password, String domain, String serverHost, int serverPort) {
        this(user, password, domain, serverHost, serverPort, Optional.empty());
    }

    /** {@code sip:user@domain}, the address of record. */
    String aor() {
        return "sip:" + user + "@" + domain;
    }

    /** The SIP transport parameter value: {@code tls} or {@code udp}. */
    String transport() {
        return tlsCa.isPresent() ? "tls" : "udp";
    }

    SipAccount withPassword(String other) {
        return new SipAccount(user, other, domain, serverHost, serverPort, tlsCa);
    }
}
