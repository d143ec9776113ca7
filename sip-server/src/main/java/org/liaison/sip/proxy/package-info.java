/**
 * The stateful proxy (RFC 3261 §16): forwarding with its branches and transactions, the copies it sends, our
 * Record-Route token, loop detection, RFC 3325 identity across the trust boundary, and the {@code Originator}
 * for requests the server sends itself; it may depend on {@code media}, {@code message} and {@code config}.
 */
package org.liaison.sip.proxy;
