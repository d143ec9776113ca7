package org.liaison.sip.tls;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the nodes of a cluster keep the TLS identity they share (issue 10), as PEM text under a name: {@code ca} (the
 * private CA's certificate and key) and {@code server} (the server certificate, its chain and its key). The cluster's
 * Redis ({@code cluster.RedisTlsIdentity}); this package knows no Redis.
 */
public interface SharedTlsIdentity {
    /** The CA's PEM text: its certificate, then its key. */
    String CA = "ca";
    /** The server's PEM text: its certificate, the CA's, then its key. */
    String SERVER = "server";

    /** What is kept under {@code name}, if anything. */
    Optional<String> get(String name) throws IOException;

    /** Keeps {@code pemText} under {@code name} unless something is already kept there; returns what is kept. */
    String putIfAbsent(String name, String pemText) throws IOException;

    /**
     * Keeps {@code pemText} under {@code name} if what is kept there is still {@code expected} ({@code ""}: nothing);
     * returns what is kept after: {@code pemText}, or what another node put there first.
     */
    String replace(String name, String expected, String pemText) throws IOException;

    /** Where {@code name} is kept, for messages (no password). */
    String where(String name);
}
