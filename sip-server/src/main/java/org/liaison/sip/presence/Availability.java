package org.liaison.sip.presence;

/** What the server knows of a user who published nothing. */
enum Availability {
    /** No registered device: PIDF basic status closed (RFC 3863 §4.1.4). */
    OFFLINE,
    /** A registered device, in no call: open. */
    AVAILABLE,
    /** A device in a call the proxy carries: open, RPID activity on-the-phone (RFC 4480 §3.2). */
    ON_THE_PHONE
}
