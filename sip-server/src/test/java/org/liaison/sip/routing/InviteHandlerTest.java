package org.liaison.sip.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.routing.RoutingFixture.FROM_ALICE;
import static org.liaison.sip.routing.RoutingFixture.SIP;
import static org.liaison.sip.routing.RoutingFixture.fromAlice;
import static org.liaison.sip.routing.RoutingFixture.status;

import java.nio.file.Path;
import java.util.List;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.Outcome;

/** InviteHandler on INVITEs written as text, from alice, already authenticated and checked by the router. */
class InviteHandlerTest {
    @TempDir
    Path dir;
    RoutingFixture f;
    InviteHandler invites;

    @BeforeEach
    void build() throws Exception {
        f = new RoutingFixture(dir);
        invites = new InviteHandler(f.local, f.accounts, f.targets, f.media, SIP);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private Outcome invite(String requestUri) {
        Request invite = fromAlice(Request.INVITE, requestUri, "");
        return invites.invite(invite, (SipURI) invite.getRequestURI(), f.account("alice"), FROM_ALICE);
    }

    private static List<String> requestUris(Outcome outcome) {
        return assertInstanceOf(Outcome.Forward.class, outcome).targets().stream()
                .map(t -> t.requestUri().toString()).sorted().toList();
    }

    @Test
    void inviteToAnUnknownUserGets404() {
        assertEquals(Response.NOT_FOUND, status(invite("sip:nobody@example.org")));
    }

    @Test
    void inviteToAUserWithoutDevicesGets480() {
        assertEquals(Response.TEMPORARILY_UNAVAILABLE, status(invite("sip:bob@example.org")));
    }

    /** RFC 3261 §16.6 step 4: the dialog an INVITE creates keeps passing through us. */
    @Test
    void inviteIsForkedToEveryDeviceOfTheCalleeByNameOrExtensionWithRecordRoute() {
        f.register("bob", "sip:bob@127.0.0.1:5090", 5090);
        f.register("bob", "sip:bob@127.0.0.1:5092", 5092);
        Outcome outcome = invite("sip:1002@example.org");
        assertEquals(List.of("sip:bob@127.0.0.1:5090", "sip:bob@127.0.0.1:5092"), requestUris(outcome));
        assertTrue(((Outcome.Forward) outcome).recordRoute());
    }

    @Test
    void inviteToARingGroupRingsEveryOtherMembersDevicesButNotTheCallers() {
        f.register("alice", "sip:alice@127.0.0.1:5094", 5094);
        f.register("bob", "sip:bob@127.0.0.1:5090", 5090);
        f.register("carol", "sip:carol@127.0.0.1:5096", 5096);
        assertEquals(List.of("sip:bob@127.0.0.1:5090"), requestUris(invite("sip:2000@example.org")));
    }

    /** RFC 5630 §4.1: sips: asks for TLS on the last hop too. */
    @Test
    void sipsInviteGoesOnlyToDevicesRegisteredOverTls() {
        f.register("bob", "sip:bob@127.0.0.1:5090", 5090);
        assertEquals(Response.TEMPORARILY_UNAVAILABLE, status(invite("sips:bob@example.org")));
        f.register("bob", "sips:bob@127.0.0.1:5091", new Flow("TLS", "127.0.0.1", 5091, "127.0.0.1", 5061));
        Outcome outcome = invite("sips:bob@example.org");
        assertEquals(List.of("sips:bob@127.0.0.1:5091"), requestUris(outcome));
    }

    @Test
    void inviteToAnAllowedForeignHostGoesStraightThere() {
        Outcome.Forward forward = assertInstanceOf(Outcome.Forward.class, invite("sip:peer@127.0.0.9:5070"));
        assertEquals("127.0.0.9", forward.targets().get(0).hop().getHost());
        assertEquals(5070, forward.targets().get(0).hop().getPort());
    }
}
