package org.liaison.sip.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The admin listener (issue 14): {@code /metrics} for Prometheus, {@code /health/live} and
 * {@code /health/ready}, the status page. Plain HTTP with no authentication, so it listens on
 * loopback unless the admin says twice that it should not.
 *
 * @param address    {@code admin.address}, default 127.0.0.1
 * @param port       {@code admin.port}, default 9090; 0 = no admin listener
 * @param addressKey the key the address was read from, named by errors: {@code admin.address}, or
 *                   {@code relay.metrics-address} for the standalone relay's listener
 * @param portKey    likewise the port's: {@code admin.port} or {@code relay.metrics-port}
 */
public record AdminSettings(InetAddress address, int port, String addressKey, String portKey) {
    public static final int DEFAULT_PORT = 9090;

    /** The admin listener's: {@code admin.address}, {@code admin.port}. */
    public AdminSettings(InetAddress address, int port) {
        this(address, port, "admin.address", "admin.port");
    }

    static AdminSettings from(ConfigReader r) throws ConfigException {
        return listener(r, "admin.address", "admin.port", DEFAULT_PORT);
    }

    /**
     * A listener of this kind at {@code addressKey}:{@code portKey} (default 127.0.0.1:{@code defaultPort}): the
     * admin listener, or the standalone relay's metrics listener ({@code relay.metrics-*}).
     */
    static AdminSettings listener(ConfigReader r, String addressKey, String portKey, int defaultPort)
            throws ConfigException {
        InetAddress address = r.address(addressKey, "127.0.0.1");
        int port = r.port(portKey, defaultPort);
        // what it serves is readable by anyone who reaches it and unencrypted: an address copied from
        // sip.address by mistake must not publish it (the admin firewalls or proxies it first)
        boolean nonLoopback = r.bool("admin.allow-non-loopback", false);
        if (!address.isLoopbackAddress() && !nonLoopback) {
            throw r.problem(addressKey, address.getHostAddress()
                    + " is not a loopback address: the listener is plain HTTP without authentication; "
                    + "set admin.allow-non-loopback = true to serve it there anyway");
        }
        return new AdminSettings(address, port, addressKey, portKey);
    }

    /** Where {@code bin/liaison status} and a local Prometheus reach the listener. */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }
}
