package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.UUID;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** What a registered phone does all day, each step asserted: chat with a colleague, call one and hang up. */
final class OfficeTraffic {
    private OfficeTraffic() {
    }

    /** {@code from} sends {@code to} a MESSAGE (challenged, then authenticated); {@code to} answers 200. */
    static void chat(TestUa from, String password, TestUa to) throws IOException {
        String uri = "sip:" + to.user() + "@" + TestServer.DOMAIN;
        String request = from.messageRequest(uri, UUID.randomUUID().toString(), "text/plain", "hello " + to.user());
        SipText challenge = from.sendAnsweringChallenge(request, password).first();
        assertEquals(407, challenge.status(), challenge.toString());
        to.respond(to.awaitRequest("MESSAGE"), 200, "OK", "chat", null, null);
        SipText answer = from.awaitResponse("MESSAGE", 200);
        assertEquals(200, answer.status(), from.user() + " to " + to.user() + ": " + answer);
    }

    /** {@code caller} calls {@code callee}, who answers; the caller acknowledges and hangs up. */
    static void call(TestUa caller, String password, TestUa callee) throws IOException {
        String uri = "sip:" + callee.user() + "@" + TestServer.DOMAIN;
        Calls.sendAuthenticated(caller, password, uri, UUID.randomUUID().toString(), Calls.SDP);
        SipText invite = callee.awaitRequest("INVITE");
        callee.respond(invite, 200, "OK", "callee", null, Calls.SDP);
        SipText ok = caller.awaitResponse("INVITE", 200);
        assertEquals(200, ok.status(), caller.user() + " calling " + callee.user() + ": " + ok);
        Calls.ack(caller, callee, ok);
        assertEquals(200, Calls.hangUp(caller, callee, ok));
    }
}
