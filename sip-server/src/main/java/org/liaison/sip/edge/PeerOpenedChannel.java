package org.liaison.sip.edge;

/**
 * A channel over a connection the peer opened to one of our listeners: the server answers and sends over it, and
 * never reconnects to the peer's source port once it is gone ({@link ConnectionTable}).
 */
interface PeerOpenedChannel {
}
