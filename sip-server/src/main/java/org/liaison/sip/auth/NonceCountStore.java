package org.liaison.sip.auth;

/**
 * Where the highest nonce-count accepted for each nonce is kept (RFC 7616 §3.4 "nc", §5.5): in this process
 * ({@link NonceCounts}) on one machine, in the cluster's Redis ({@code cluster.RedisNonceCounts}) when nodes share
 * the nonce key, since a nonce one node accepted must not be replayed through another.
 */
public interface NonceCountStore {
    /**
     * Accepts nonce-count {@code nc} for an authentic, unexpired nonce issued at {@code issuedAtMillis} if it is
     * above every count accepted for that nonce so far, and records it. {@code freshSinceMillis} is the issue time
     * below which nonces have expired: nothing about an older nonce needs remembering. False too, and nothing
     * recorded, for a nonce whose counts the store may have forgotten (issued before a watermark in
     * {@link NonceCounts}, before the table's start in the cluster's after a Redis restart): the caller answers it
     * as a replay, 401 stale=true, and the client retries with a fresh nonce (RFC 7616 §3.3).
     *
     * @throws java.io.UncheckedIOException when the store cannot be reached
     */
    boolean advance(String nonce, long issuedAtMillis, long nc, long freshSinceMillis);
}
