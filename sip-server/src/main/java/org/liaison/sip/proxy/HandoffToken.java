package org.liaison.sip.proxy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.message.Request;

/**
 * The token a node puts in the Route naming another node of its cluster ({@code ;lnode=<expiry>.<mac>}) when it
 * hands that node a request for a device whose flow ends there (issue 10). The owning node takes such a request
 * without asking for credentials again, since the node that sent it authenticated the caller; the token is what
 * stops anyone else from getting the same treatment (an open relay to any Request-URI). Its MAC, with a key every
 * node shares ({@code cluster.SharedSecrets}), covers the owning node's URI, the Call-ID, the From tag, the CSeq
 * number and method, the Request-URI and an expiry a minute away: a token seen once opens no other Request-URI,
 * no other request, no other node, and nothing after that minute.
 */
public final class HandoffToken {
    public static final String PARAM = "lnode";
    /** The length of the HMAC-SHA256 key. */
    public static final int KEY_BYTES = 32;
    /** Long enough for a request's retransmissions between nodes (RFC 3261 timer B: 32 s), short for a replay. */
    static final Duration LIFETIME = Duration.ofSeconds(60);
    private static final int MAC_BYTES = 16;

    private final TokenMac mac;
    private final Clock clock;

    private HandoffToken(byte[] key, Clock clock) {
        this.mac = new TokenMac(key, MAC_BYTES);
        this.clock = clock;
    }

    /** Tokens made and verified with the cluster's {@code key} ({@link #KEY_BYTES} bytes). */
    public static HandoffToken withKey(byte[] key, Clock clock) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a handoff token key has " + KEY_BYTES + " bytes, not " + key.length);
        }
        return new HandoffToken(key, clock);
    }

    /** One machine: a key nobody else holds, so no token made elsewhere ever verifies (and none is made). */
    public static HandoffToken unshared(Clock clock) {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return new HandoffToken(key, clock);
    }

    /** The token for {@code request}, as it will leave (its Request-URI set), handed to the node {@code nodeUri}. */
    public String tokenFor(Request request, String nodeUri) {
        long expiry = clock.instant().plus(LIFETIME).getEpochSecond();
        return expiry + "." + mac(expiry, nodeUri, request);
    }

    /** Whether {@code token} was made for {@code request}, handed to the node {@code nodeUri} (this one), and is fresh. */
    public boolean verify(Request request, String token, String nodeUri) {
        if (token == null || nodeUri.isEmpty()) {
            return false;
        }
        int dot = token.indexOf('.');
        long expiry;
        try {
            expiry = Long.parseLong(token.substring(0, Math.max(dot, 0)));
        } catch (NumberFormatException e) {
            return false;
        }
        long now = clock.instant().getEpochSecond();
        if (now > expiry || expiry > now + LIFETIME.getSeconds() + 1) {
            return false; // expired, or claiming a lifetime no node gives
        }
        return TokenMac.matches(token.substring(dot + 1), mac(expiry, nodeUri, request));
    }

    private String mac(long expiry, String nodeUri, Request request) {
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        return mac.of(expiry, TokenMac.utf8(nodeUri),
                TokenMac.utf8(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId()),
                TokenMac.utf8(String.valueOf(((FromHeader) request.getHeader(FromHeader.NAME)).getTag())),
                TokenMac.utf8(Long.toString(cseq.getSeqNumber())), TokenMac.utf8(cseq.getMethod()),
                TokenMac.utf8(request.getRequestURI().toString()));
    }
}
