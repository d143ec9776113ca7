package org.liaison.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sip.message.Request;
import org.junit.jupiter.api.Test;
import org.liaison.sip.message.SipFactories;
import org.liaison.im.MutableClock;

/** The dialog binding of our Record-Route token: parties, Call-ID, caller address and expiry. */
class RouteTokenTest {
    private static final SipFactories SIP = SipFactories.create();
    private static final String INVITE = "INVITE sip:bob@example.org SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKi\n"
            + "From: \"Alice\" <sip:Alice@example.org:5060;transport=udp>;tag=a1\nTo: <sip:bob@example.org>\n"
            + "Call-ID: call-1\nCSeq: 1 INVITE\nMax-Forwards: 70\nContent-Length: 0\n";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final RouteToken tokens = new RouteToken(new byte[32], clock, Duration.ofHours(24));

    @Test
    void theCallerAndTheCalleeOfTheDialogAreRecognised() throws Exception {
        String token = tokenOfAliceCallingBob();
        Optional<RouteToken.Dialog> caller = tokens.verify(inDialog("sip:alice@example.org;tag=a1",
                "sip:bob@example.org;tag=b1", "call-1"), token);
        assertTrue(caller.orElseThrow().fromCaller());
        assertEquals("alice@example.org", caller.get().caller());
        assertEquals(InetAddress.getByName("192.0.2.1"), caller.get().callerAddress());
        Optional<RouteToken.Dialog> callee = tokens.verify(inDialog("\"Bob\" <sip:bob@example.org>;tag=b1",
                "<sip:alice@example.org>;tag=a1", "call-1"), token);
        assertFalse(callee.orElseThrow().fromCaller());
        assertEquals("bob@example.org", callee.get().callee());
    }

    @Test
    void aTokenOpensNoOtherCallIdPartyOrTag() throws Exception {
        String token = tokenOfAliceCallingBob();
        assertTrue(tokens.verify(inDialog("sip:alice@example.org;tag=a1", "sip:bob@example.org;tag=b1", "call-2"),
                token).isEmpty(), "another dialog's Call-ID");
        assertTrue(tokens.verify(inDialog("sip:ceo@example.org;tag=a1", "sip:bob@example.org;tag=b1", "call-1"),
                token).isEmpty(), "another caller");
        assertTrue(tokens.verify(inDialog("sip:alice@example.org;tag=a1", "sip:+88213000@192.0.2.9;tag=b1",
                "call-1"), token).isEmpty(), "another callee");
        assertTrue(tokens.verify(inDialog("sip:alice@example.org;tag=x", "sip:bob@example.org;tag=b1", "call-1"),
                token).isEmpty(), "another From tag");
    }

    @Test
    void aTokenWithAnotherCallerAddressOrExpiryIsForged() throws Exception {
        String[] parts = tokenOfAliceCallingBob().split("\\.");
        Request bye = inDialog("sip:alice@example.org;tag=a1", "sip:bob@example.org;tag=b1", "call-1");
        assertTrue(tokens.verify(bye, parts[0] + ".c0000209." + parts[2]).isEmpty(), "address changed");
        assertTrue(tokens.verify(bye, (Long.parseLong(parts[0]) + 3600) + "." + parts[1] + "." + parts[2]).isEmpty(),
                "expiry extended");
        assertTrue(tokens.verify(bye, "0123456789abcdef01234567").isEmpty(), "old format");
        assertTrue(tokens.verify(bye, "x.y.z").isEmpty(), "garbage");
    }

    @Test
    void aTokenExpiresAfterTheDialogMaximum() throws Exception {
        String token = tokenOfAliceCallingBob();
        Request bye = inDialog("sip:alice@example.org;tag=a1", "sip:bob@example.org;tag=b1", "call-1");
        clock.advance(Duration.ofHours(24));
        assertTrue(tokens.verify(bye, token).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(tokens.verify(bye, token).isEmpty());
    }

    private String tokenOfAliceCallingBob() throws Exception {
        return tokens.tokenFor(request(INVITE), InetAddress.getByName("192.0.2.1"));
    }

    private static Request inDialog(String from, String to, String callId) throws ParseException {
        return request("BYE sip:bob@192.0.2.2 SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKb\nFrom: " + from
                + "\nTo: " + to + "\nCall-ID: " + callId + "\nCSeq: 2 BYE\nMax-Forwards: 70\nContent-Length: 0\n");
    }

    private static Request request(String text) throws ParseException {
        return SIP.messages().createRequest(text.replace("\n", "\r\n") + "\r\n");
    }
}
