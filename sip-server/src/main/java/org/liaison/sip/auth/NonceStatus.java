package org.liaison.sip.auth;

/** What a nonce says about itself, before any nonce-count is considered. */
enum NonceStatus {
    /** Made by this server instance for our realm, within its lifetime. */
    VALID,
    /** Made by this server instance, but older than the nonce lifetime (or from a clock that has since gone back). */
    STALE,
    /** Not made by this server instance: forged, garbled, from before a restart, or for another realm. */
    INVALID
}
