package org.liaison.sip.wire;

/** A user of the test server as a client sees it: credentials, and where to send everything. */
record SipAccount(String user, String password, String domain, String serverHost, int serverPort) {

    /** {@code sip:user@domain}, the address of record. */
    String aor() {
        return "sip:" + user + "@" + domain;
    }

    SipAccount withPassword(String other) {
        return new SipAccount(user, other, domain, serverHost, serverPort);
    }
}
