package org.liaison.sip.message;

import javax.sip.address.Hop;

/**
 * The next hop of a request for a device that reached us over TCP or TLS: the connection it opened, named by its
 * address and (ephemeral) source port. The request goes over that connection or nowhere: the server never connects
 * to a client's source port (RFC 5626 §5.3; RFC 3261 §18.2.2 for responses), the edge's stack refuses to.
 *
 * @param host      the device's address, an IP literal
 * @param port      the connection's port on the device's side
 * @param transport {@code TCP} or {@code TLS}
 */
public record ConnectionHop(String host, int port, String transport) implements Hop {
    @Override
    public String getHost() {
        return host;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public String getTransport() {
        return transport;
    }

    /** As the stack's own hops print, {@code host:port/transport}: log lines stay the same. */
    @Override
    public String toString() {
        return host + ":" + port + "/" + transport;
    }
}
