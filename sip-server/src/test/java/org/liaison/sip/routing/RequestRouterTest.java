package org.liaison.sip.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.routing.RoutingFixture.request;
import static org.liaison.sip.routing.RoutingFixture.status;

import java.nio.file.Path;
import java.text.ParseException;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.proxy.LoopDetector;

/**
 * RequestRouter's own steps on requests written as text (checks, Route entries, in-dialog, authentication,
 * the caller's identity, dispatch to the handlers): no sockets, no stack.
 */
class RequestRouterTest {
    private static final String DOMAIN = RoutingFixture.DOMAIN;
    private static final Flow FROM_ALICE = RoutingFixture.FROM_ALICE;
    private static final org.liaison.sip.message.SipFactories SIP = RoutingFixture.SIP;

    @TempDir
    Path dir;
    RoutingFixture f;
    RequestRouter router;

    @BeforeEach
    void build() throws Exception {
        f = new RoutingFixture(dir);
        router = f.router();
    }

    @AfterEach
    void close() throws java.io.IOException {
        f.close();
    }

    @Test
    void inviteWithoutCredentialsIsChallengedBy407() {
        assertEquals(Response.PROXY_AUTHENTICATION_REQUIRED, status(router.route(invite("sip:bob@example.org", ""), FROM_ALICE)));
    }

    /** Issue 11: a challenge keeps no state (sent without a server transaction); an authenticated answer does. */
    @Test
    void challengesAndRefusalsBeforeAuthenticationAreStatelessAnswersAfterItAreNot() {
        Outcome challenge = router.route(invite("sip:bob@example.org", ""), FROM_ALICE);
        assertTrue(assertInstanceOf(Outcome.Respond.class, challenge).stateless());
        Request preloaded = invite("sip:bob@example.org", "Route: <sip:192.0.2.9:5060;lr>\n");
        assertTrue(assertInstanceOf(Outcome.Respond.class, router.route(preloaded, FROM_ALICE)).stateless());
        Outcome unavailable = authenticated(invite("sip:bob@example.org", ""));
        assertFalse(assertInstanceOf(Outcome.Respond.class, unavailable).stateless());
    }

    @Test
    void authenticatedInviteToAUserWithoutDevicesGets480() {
        assertEquals(Response.TEMPORARILY_UNAVAILABLE, status(authenticated(invite("sip:bob@example.org", ""))));
    }

    @Test
    void authenticatedInviteIsForkedToTheRegisteredDeviceWithRecordRoute() throws Exception {
        register("bob", "sip:bob@127.0.0.1:5090");
        Outcome outcome = authenticated(invite("sip:1002@example.org", ""));
        Outcome.Forward forward = assertInstanceOf(Outcome.Forward.class, outcome);
        assertEquals(1, forward.targets().size());
        assertEquals("sip:bob@127.0.0.1:5090", forward.targets().get(0).requestUri().toString());
        assertEquals(5090, forward.targets().get(0).hop().getPort());
        assertTrue(forward.recordRoute());
    }

    @Test
    void requestThatAlreadyPassedThroughUsUnchangedIsALoop() throws Exception {
        register("bob", "sip:bob@127.0.0.1:5090");
        Request invite = invite("sip:bob@example.org", "");
        ViaHeader ours = SIP.headers().createViaHeader("127.0.0.1", 5060, "UDP",
                LoopDetector.branchPrefix(invite) + "1");
        invite.addFirst(ours);
        assertEquals(Response.LOOP_DETECTED, status(authenticated(invite)));
    }

    @Test
    void requestForAnotherDomainIsRefused() {
        assertEquals(Response.FORBIDDEN, status(authenticated(invite("sip:victim@premium.example", ""))));
    }

    @Test
    void credentialsOfOneUserCannotSendAsAnother() {
        Request invite = request(inviteText("sip:bob@example.org", "").replace("From: <sip:alice@", "From: <sip:bob@"));
        assertEquals(Response.FORBIDDEN, status(authenticated(invite)));
    }

    @Test
    void preloadedRouteBeyondUsIsRefused() {
        Request invite = invite("sip:bob@example.org",
                "Route: <sip:127.0.0.1:5060;lr>\nRoute: <sip:192.0.2.9:5060;lr>\n");
        assertEquals(Response.FORBIDDEN, status(router.route(invite, FROM_ALICE)));
    }

    @Test
    void inDialogRequestNotRoutedThroughUsGets481() {
        assertEquals(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, status(router.route(bye(""), FROM_ALICE)));
    }

    @Test
    void inDialogRequestWithAForgedRouteTokenIsRefused() {
        Request bye = bye("Route: <sip:127.0.0.1:5060;lr;ltok=000000000000000000000000>\n");
        assertEquals(Response.FORBIDDEN, status(router.route(bye, FROM_ALICE)));
    }

    @Test
    void calleesInDialogRequestWithOurTokenGoesToTheCallersAddress() throws Exception {
        Request bye = request(byeText(aliceCallsBobRoute()).replace("BYE sip:bob@", "BYE sip:alice@")
                .replace("From: <sip:alice@example.org>;tag=a",
                "From: <sip:bob@example.org>;tag=b").replace("To: <sip:bob@example.org>;tag=b",
                "To: <sip:alice@example.org>;tag=a"));
        Outcome outcome = router.route(bye, new Flow("UDP", "127.0.0.1", 40002, "127.0.0.1", 5060));
        Outcome.Forward forward = assertInstanceOf(Outcome.Forward.class, outcome);
        assertEquals(5090, forward.targets().get(0).hop().getPort());
        assertTrue(!forward.recordRoute());
    }

    @Test
    void callersInDialogRequestToNoRegisteredDeviceIsRefused() throws Exception {
        Outcome outcome = router.route(request(byeText(aliceCallsBobRoute())), FROM_ALICE);
        assertEquals(Response.FORBIDDEN, status(outcome));
    }

    /** Our Record-Route as the server recorded it when alice (tag a, from 127.0.0.1) called bob. */
    private String aliceCallsBobRoute() throws Exception {
        String token = f.routeToken.tokenFor(invite("sip:bob@example.org", ""),
                java.net.InetAddress.getByName("127.0.0.1"));
        return "Route: <sip:127.0.0.1:5060;lr;ltok=" + token + ">\n";
    }

    @Test
    void maxForwardsZeroGets483() {
        Request invite = request(inviteText("sip:bob@example.org", "").replace("Max-Forwards: 70", "Max-Forwards: 0"));
        assertEquals(Response.TOO_MANY_HOPS, status(router.route(invite, FROM_ALICE)));
    }

    @Test
    void ackOutsideAnyDialogIsDropped() {
        Request ack = request(inviteText("sip:bob@example.org", "").replace("INVITE sip", "ACK sip")
                .replace("1 INVITE", "1 ACK"));
        assertInstanceOf(Outcome.Drop.class, router.route(ack, FROM_ALICE));
    }

    private Outcome authenticated(Request request) {
        Response challenge = ((Outcome.Respond) router.route((Request) request.clone(), FROM_ALICE)).response();
        assertEquals(Response.PROXY_AUTHENTICATION_REQUIRED, challenge.getStatusCode());
        String value = challenge.getHeader("Proxy-Authenticate").toString();
        String nonce = value.replaceAll("(?s).*nonce=\"([^\"]*)\".*", "$1");
        String uri = request.getRequestURI().toString();
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String ha1 = md5.ha1("alice", DOMAIN, "alice-secret");
        String response = md5.hash(ha1 + ":" + nonce + ":00000001:c0ffee:auth:" + md5.hash(request.getMethod() + ":" + uri));
        try {
            request.addHeader(SIP.headers().createHeader("Proxy-Authorization", "Digest username=\"alice\", realm=\""
                    + DOMAIN + "\", nonce=\"" + nonce + "\", uri=\"" + uri + "\", response=\"" + response
                    + "\", algorithm=MD5, cnonce=\"c0ffee\", qop=auth, nc=00000001"));
        } catch (ParseException e) {
            throw new AssertionError(e);
        }
        return router.route(request, FROM_ALICE);
    }

    private void register(String user, String contact) {
        f.register(user, contact, 5090);
    }

    private static String inviteText(String requestUri, String extraHeaders) {
        return "INVITE " + requestUri + " SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKi\n"
                + "Max-Forwards: 70\n" + extraHeaders + "From: <sip:alice@example.org>;tag=a\nTo: <" + requestUri + ">\n"
                + "Call-ID: call-1\nCSeq: 1 INVITE\nContact: <sip:alice@127.0.0.1:40000>\nContent-Length: 0\n";
    }

    private static Request invite(String requestUri, String extraHeaders) {
        return request(inviteText(requestUri, extraHeaders));
    }

    private static Request bye(String routes) {
        return request(byeText(routes));
    }

    private static String byeText(String routes) {
        return ("BYE sip:bob@127.0.0.1:5090 SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKb\n"
                + "Max-Forwards: 70\n" + routes + "From: <sip:alice@example.org>;tag=a\nTo: <sip:bob@example.org>;tag=b\n"
                + "Call-ID: call-1\nCSeq: 2 BYE\nContent-Length: 0\n");
    }
}
