package org.liaison.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.ParseException;
import java.time.Instant;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;
import org.liaison.im.MutableClock;
import org.liaison.sip.message.SipFactories;

/** What a handoff token binds: the receiving node, the request (Call-ID, From tag, CSeq), its Request-URI, a minute. */
class HandoffTokenTest {
    private static final SipFactories SIP = SipFactories.create();
    private static final String NODE_A = "sip:198.51.100.11:5060;transport=udp";
    private static final String BOB = "sip:bob@192.0.2.20:51234;transport=tcp";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final HandoffToken tokens = HandoffToken.withKey(new byte[HandoffToken.KEY_BYTES], clock);

    @Test
    void theTokenOfARequestVerifiesOnTheNodeItWasMadeFor() throws Exception {
        String token = tokens.tokenFor(invite(BOB, "call-1", "a1", 2), NODE_A);

        assertTrue(tokens.verify(invite(BOB, "call-1", "a1", 2), token, NODE_A));
        assertFalse(tokens.verify(invite(BOB, "call-1", "a1", 2), token, "sip:198.51.100.12:5060;transport=udp"),
                "another node");
    }

    @Test
    void aTokenOpensNoOtherRequestUriCallIdTagOrCSeq() throws Exception {
        String token = tokens.tokenFor(invite(BOB, "call-1", "a1", 2), NODE_A);

        assertFalse(tokens.verify(invite("sip:+88213000@192.0.2.99", "call-1", "a1", 2), token, NODE_A),
                "another Request-URI");
        assertFalse(tokens.verify(invite(BOB, "call-2", "a1", 2), token, NODE_A), "another Call-ID");
        assertFalse(tokens.verify(invite(BOB, "call-1", "x", 2), token, NODE_A), "another From tag");
        assertFalse(tokens.verify(invite(BOB, "call-1", "a1", 3), token, NODE_A), "another CSeq");
    }

    @Test
    void aTokenExpiresAfterAMinuteAndCannotBeExtended() throws Exception {
        Request invite = invite(BOB, "call-1", "a1", 2);
        String token = tokens.tokenFor(invite, NODE_A);
        String mac = token.substring(token.indexOf('.') + 1);
        long expiry = Long.parseLong(token.substring(0, token.indexOf('.')));

        assertFalse(tokens.verify(invite, (expiry + 3600) + "." + mac, NODE_A), "expiry extended");
        clock.advance(HandoffToken.LIFETIME.plusSeconds(1));
        assertFalse(tokens.verify(invite, token, NODE_A), "expired");
    }

    @Test
    void noTokenVerifiesWithAnotherKeyOrOnOneMachine() throws Exception {
        Request invite = invite(BOB, "call-1", "a1", 2);
        String token = tokens.tokenFor(invite, NODE_A);

        assertFalse(HandoffToken.unshared(clock).verify(invite, token, NODE_A), "a key nobody shares");
        assertFalse(tokens.verify(invite, token, ""), "one machine names no node");
        assertFalse(tokens.verify(invite, null, NODE_A));
        assertFalse(tokens.verify(invite, "garbage", NODE_A));
    }

    @Test
    void aViaProofProvesOneTransactionOfTheSendingNodeForAMinute() throws Exception {
        Request bye = withTopVia(invite(BOB, "call-1", "a1", 2), "z9hG4bKnode1", null);
        String proof = tokens.hopProofFor(bye, "z9hG4bKnode1");

        assertTrue(tokens.sentByNode(withTopVia(bye, "z9hG4bKnode1", proof)));
        assertFalse(tokens.sentByNode(withTopVia(bye, "z9hG4bKother", proof)), "another branch");
        assertFalse(tokens.sentByNode(withTopVia(invite(BOB, "call-1", "a1", 3), "z9hG4bKnode1", proof)),
                "another CSeq");
        assertFalse(tokens.sentByNode(withTopVia(bye, "z9hG4bKnode1", null)), "no proof: a phone's request");
        assertFalse(tokens.sentByNode(withTopVia(bye, "z9hG4bKnode1", "garbage")));
        assertFalse(HandoffToken.unshared(clock).sentByNode(withTopVia(bye, "z9hG4bKnode1", proof)), "another key");
        assertFalse(tokens.verify(bye, proof, NODE_A), "a Via proof is no Route token");
        clock.advance(HandoffToken.LIFETIME.plusSeconds(1));
        assertFalse(tokens.sentByNode(withTopVia(bye, "z9hG4bKnode1", proof)), "expired");
    }

    private static Request withTopVia(Request request, String branch, String proof) throws Exception {
        Request copy = (Request) request.clone();
        copy.removeFirst(ViaHeader.NAME);
        ViaHeader via = SIP.headers().createViaHeader("198.51.100.12", 5060, "UDP", branch);
        if (proof != null) {
            via.setParameter(HandoffToken.PARAM, proof);
        }
        copy.addFirst(via);
        return copy;
    }

    private static Request invite(String requestUri, String callId, String fromTag, int cseq) throws ParseException {
        return SIP.messages().createRequest(("INVITE " + requestUri + " SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKi\n"
                + "From: <sip:alice@example.org>;tag=" + fromTag + "\nTo: <sip:bob@example.org>\nCall-ID: " + callId
                + "\nCSeq: " + cseq + " INVITE\nMax-Forwards: 70\nContent-Length: 0\n\n").replace("\n", "\r\n"));
    }
}
