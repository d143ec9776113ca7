package org.liaison.sip.proxy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;

/**
 * The token a node puts in the Route naming another node of its cluster ({@code ;lnode=<expiry>.<mac>}) when it
 * hands that node a request for a device whose flow ends there (issue 10). The owning node takes such a request
 * without asking for credentials again, since the node that sent it authenticated the caller; the token is what
 * stops anyone else from getting the same treatment (an open relay to any Request-URI). Its MAC, with a key every
 * node shares ({@code cluster.SharedSecrets}), covers the owning node's URI, the Call-ID, the From tag, the CSeq
 * number and method, the Request-URI and an expiry a minute away: a token seen once opens no other Request-URI,
 * no other request, no other node, and nothing after that minute.
 *
 * <p>The same key signs the proof a node puts in its own Via ({@code ;lnode=<expiry>.<mac>}) on every request it
 * sends to another node, in-dialog ones included: what tells the receiving node that a request comes from a node
 * and not from a phone at a node's address (nodes behind one NAT, a spoofed UDP source). Its MAC covers the Via's
 * branch (one transaction), the Call-ID, the CSeq number and method, and the same one-minute expiry.
 */
public final class HandoffToken {
    public static final String PARAM = "lnode";
    /** The length of the HMAC-SHA256 key. */
    public static final int KEY_BYTES = 32;
    /** Long enough for a request's retransmissions between nodes (RFC 3261 timer B: 32 s), short for a replay. */
    static final Duration LIFETIME = Duration.ofSeconds(60);
    private static final int MAC_BYTES = 16;
    /** Keeps a Via proof from ever matching a Route token, or the reverse: the key is the same. */
    private static final byte[] HOP_LABEL = TokenMac.utf8("via");

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
        return !nodeUri.isEmpty() && fresh(token) && TokenMac.matches(token.substring(token.indexOf('.') + 1),
                mac(expiry(token), nodeUri, request));
    }

    /** Whether {@code token} is {@code <expiry>.<mac>} with an expiry not passed and no further away than a node gives. */
    private boolean fresh(String token) {
        if (token == null) {
            return false;
        }
        long expiry = expiry(token);
        long now = clock.instant().getEpochSecond();
        return expiry >= now && expiry <= now + LIFETIME.getSeconds() + 1;
    }

    /** The expiry of a token, or -1 when it has none. */
    private static long expiry(String token) {
        try {
            return Long.parseLong(token.substring(0, Math.max(token.indexOf('.'), 0)));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The proof for the Via with {@code branch} that this node puts on {@code request} sent to another node. */
    public String hopProofFor(Request request, String branch) {
        long expiry = clock.instant().plus(LIFETIME).getEpochSecond();
        return expiry + "." + hopMac(expiry, branch, request);
    }

    /** Whether the top Via of {@code request} carries a fresh proof that a node of this cluster sent it. */
    public boolean sentByNode(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        if (via == null || via.getBranch() == null) {
            return false;
        }
        String proof = via.getParameter(PARAM);
        return fresh(proof) && TokenMac.matches(proof.substring(proof.indexOf('.') + 1),
                hopMac(expiry(proof), via.getBranch(), request));
    }

    private String hopMac(long expiry, String branch, Request request) {
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        return mac.of(expiry, HOP_LABEL, TokenMac.utf8(branch),
                TokenMac.utf8(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId()),
                TokenMac.utf8(Long.toString(cseq.getSeqNumber())), TokenMac.utf8(cseq.getMethod()));
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
