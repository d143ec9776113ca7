package org.liaison.provisioning.http;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest nonce count accepted on each nonce still alive (RFC 7616 §3.4: the client increments
 * nc for each request on a nonce, so the server can detect replays). Only nonces that carried right
 * credentials are recorded, so only users who know a password can add entries. The table is
 * bounded; when it must forget a nonce that has not expired, every nonce issued up to that one's
 * second counts as seen, so forgetting can cost a client a stale re-challenge but never opens a replay.
 */
final class NonceCounts {
    static final int MAX_NONCES = 10_000;

    private record Seen(long issuedSecond, long count) {
    }

    private final long lifetimeSeconds;
    private final Map<String, Seen> byNonce = new LinkedHashMap<>();
    private long forgottenUpToSecond = Long.MIN_VALUE;

    NonceCounts(long lifetimeSeconds) {
        this.lifetimeSeconds = lifetimeSeconds;
    }

    /** Records {@code count} on {@code nonce} if it is higher than any before; false for a replay. */
    synchronized boolean advance(String nonce, long issuedSecond, long count, long nowSecond) {
        forgetExpired(nowSecond);
        Seen seen = byNonce.get(nonce);
        if (seen == null ? issuedSecond <= forgottenUpToSecond : count <= seen.count()) {
            return false;
        }
        byNonce.remove(nonce); // re-inserted last: the map stays in order of last use
        byNonce.put(nonce, new Seen(issuedSecond, count));
        if (byNonce.size() > MAX_NONCES) {
            Iterator<Seen> eldest = byNonce.values().iterator();
            forgottenUpToSecond = Math.max(forgottenUpToSecond, eldest.next().issuedSecond());
            eldest.remove();
        }
        return true;
    }

    private void forgetExpired(long nowSecond) {
        byNonce.values().removeIf(s -> nowSecond - s.issuedSecond() > lifetimeSeconds);
    }
}
