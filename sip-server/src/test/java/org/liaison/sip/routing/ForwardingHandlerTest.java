package org.liaison.sip.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.routing.RoutingFixture.SIP;
import static org.liaison.sip.routing.RoutingFixture.fromAlice;
import static org.liaison.sip.routing.RoutingFixture.status;

import java.nio.file.Path;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.message.Outcome;

/** ForwardingHandler on requests written as text, from alice, already authenticated and checked by the router. */
class ForwardingHandlerTest {
    @TempDir
    Path dir;
    RoutingFixture f;
    ForwardingHandler others;

    @BeforeEach
    void build() throws Exception {
        f = new RoutingFixture(dir);
        others = new ForwardingHandler(f.local, f.targets, SIP);
        f.register("bob", "sip:bob@127.0.0.1:5090", 5090);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private Outcome forward(String method, String requestUri) {
        Request request = fromAlice(method, requestUri, "");
        return others.forward(request, (SipURI) request.getRequestURI());
    }

    /** RFC 3261 §16.6 step 4: a subscription's dialog keeps passing through us; an OPTIONS creates none. */
    @Test
    void subscribeAndReferAreRecordRoutedOptionsIsNot() {
        assertTrue(assertInstanceOf(Outcome.Forward.class, forward(Request.SUBSCRIBE, "sip:bob@example.org"))
                .recordRoute());
        assertTrue(assertInstanceOf(Outcome.Forward.class, forward(Request.REFER, "sip:bob@example.org"))
                .recordRoute());
        Outcome.Forward options = assertInstanceOf(Outcome.Forward.class, forward(Request.OPTIONS, "sip:bob@example.org"));
        assertFalse(options.recordRoute());
        assertEquals("sip:bob@127.0.0.1:5090", options.targets().get(0).requestUri().toString());
    }

    @Test
    void aGroupTakesNoOtherMethodThanCallsAndMessages() {
        assertEquals(Response.NOT_FOUND, status(forward(Request.OPTIONS, "sip:staff@example.org")));
    }

    @Test
    void sipsRequestToAUserWithDevicesOverUdpOnlyGets480() {
        assertEquals(Response.TEMPORARILY_UNAVAILABLE, status(forward(Request.OPTIONS, "sips:bob@example.org")));
    }
}
