package org.liaison.sip.tls.acme;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * What the nodes of a cluster share of ACME (issue 15 item 2), so that one node orders and every node serves: the
 * account key, the certificate (its chain and key, as PEM text) with a version that grows at each new one, the lease
 * of the node ordering, and the HTTP-01 tokens under validation, which the CA may ask of any node. Kept in the
 * cluster's Redis ({@code cluster.RedisAcmeState}); this package knows no Redis. Each method fails with an
 * {@link IOException} naming where the state is when it cannot be reached.
 */
public interface SharedAcmeState {
    /** The account key's PEM text, if a node made it. */
    Optional<String> accountKey() throws IOException;

    /** Keeps {@code pemText} as the account key unless one is kept already; returns the one kept. */
    String keepAccountKey(String pemText) throws IOException;

    /** The version of the certificate kept: 0 when none is, greater at each new one. */
    long certificateVersion() throws IOException;

    /** The certificate kept, as its chain's and key's PEM text, if any. */
    Optional<String> certificate() throws IOException;

    /**
     * Keeps {@code pemText} as the certificate, if {@code holder} still holds the lease; its new version, or 0 when
     * the lease has passed to another node (which then orders its own).
     */
    long publishCertificate(String holder, String pemText) throws IOException;

    /**
     * Takes the lease for ordering for {@code term}, or, if {@code holder} holds it already (the same node, started
     * again), extends it; whether {@code holder} holds it now.
     */
    boolean takeLease(String holder, Duration term) throws IOException;

    /** Gives the lease up if {@code holder} still holds it (never another node's). */
    void releaseLease(String holder) throws IOException;

    /** Answers the CA's HTTP-01 request for {@code token} on every node for {@code term}, or until withdrawn. */
    void publishChallenge(String token, String keyAuthorization, Duration term) throws IOException;

    void withdrawChallenge(String token) throws IOException;

    /** The key authorization published for {@code token}, if any. */
    Optional<String> challenge(String token) throws IOException;
}
