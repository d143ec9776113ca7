package org.liaison.sip.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.liaison.sip.routing.RoutingFixture.SIP;
import static org.liaison.sip.routing.RoutingFixture.fromAlice;
import static org.liaison.sip.routing.RoutingFixture.request;
import static org.liaison.sip.routing.RoutingFixture.status;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.proxy.HandoffToken;

/**
 * InDialogHandler on in-dialog requests written as text, in a dialog alice (tag a, from 127.0.0.1) opened with
 * bob (tag b, registered at 127.0.0.1:5090), with sip.tls.required on.
 */
class InDialogHandlerTest {
    private static final Flow BOB_OVER_TLS = new Flow("TLS", "127.0.0.1", 5091, "127.0.0.1", 5061);

    @TempDir
    Path dir;
    RoutingFixture f;
    InDialogHandler inDialog;
    String ourRoute;

    @BeforeEach
    void build() throws Exception {
        f = new RoutingFixture(dir);
        inDialog = new InDialogHandler(f.local, f.routeToken, HandoffToken.unshared(Clock.systemUTC()), f.targets, f.media, f.proxy, true, SIP);
        f.register("alice", "sip:alice@127.0.0.1:40000", 40000);
        String token = f.routeToken.tokenFor(fromAlice(Request.INVITE, "sip:bob@example.org", ""),
                InetAddress.getByName("127.0.0.1"));
        ourRoute = "Route: <sip:127.0.0.1:5060;lr;ltok=" + token + ">\n";
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    /** A request from bob to alice in the dialog (the callee's side: From and To swapped). */
    private static Request fromBob(String method, String routes) {
        return request(method + " sip:alice@127.0.0.1:40000 SIP/2.0\nVia: SIP/2.0/TLS 127.0.0.1:5091;branch=z9hG4bKd\n"
                + "Max-Forwards: 70\n" + routes + "From: <sip:bob@example.org>;tag=b\nTo: <sip:alice@example.org>;tag=a\n"
                + "Call-ID: call-1\nCSeq: 2 " + method + "\nContent-Length: 0\n");
    }

    private Outcome handle(Request request, Flow source) {
        return inDialog.inDialog(request, OurRoutes.consume(request, f.local), source);
    }

    @Test
    void requestWithOurTokenGoesToTheOtherPartysDeviceWithoutRecordRoute() {
        Outcome.Forward forward = assertInstanceOf(Outcome.Forward.class, handle(fromBob(Request.BYE, ourRoute),
                BOB_OVER_TLS));
        assertEquals(40000, forward.targets().get(0).hop().getPort());
        assertFalse(forward.recordRoute());
    }

    /** RFC 3261 §12.2.2: a request for a dialog we did not record-route is not ours. */
    @Test
    void requestNotRoutedThroughUsGets481AndAnAckIsDropped() {
        assertEquals(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, status(handle(fromBob(Request.BYE, ""), BOB_OVER_TLS)));
        assertInstanceOf(Outcome.Drop.class, handle(fromBob(Request.ACK, ""), BOB_OVER_TLS));
    }

    @Test
    void forgedTokenIsRefused() {
        Outcome outcome = handle(fromBob(Request.BYE, "Route: <sip:127.0.0.1:5060;lr;ltok=1.7f000001.00>\n"),
                BOB_OVER_TLS);
        assertEquals(Response.FORBIDDEN, status(outcome));
    }

    /** sip.tls.required: our users send in dialogs over TLS too, before anything is looked up. */
    @Test
    void ourUserInADialogWithoutTlsIsToldToUseIt() {
        Outcome.Respond respond = assertInstanceOf(Outcome.Respond.class,
                handle(fromBob(Request.BYE, ourRoute), new Flow("UDP", "127.0.0.1", 5090, "127.0.0.1", 5060)));
        assertEquals(Response.FORBIDDEN, respond.response().getStatusCode());
        assertEquals("TLS Required", respond.response().getReasonPhrase());
        assertInstanceOf(Outcome.Drop.class,
                handle(fromBob(Request.ACK, ourRoute), new Flow("UDP", "127.0.0.1", 5090, "127.0.0.1", 5060)));
    }
}
