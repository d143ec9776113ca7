package org.liaison.sip.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.routing.RoutingFixture.SIP;
import static org.liaison.sip.routing.RoutingFixture.request;

import io.lettuce.core.RedisException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import javax.sip.address.SipURI;
import javax.sip.header.RetryAfterHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.cluster.SharedStateHealth;
import org.liaison.sip.config.RegistrarSettings;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.registrar.Binding;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.Registrar;

/** RegisterHandler on REGISTERs written as text: its refusals before a challenge, and the registrar's answer. */
class RegisterHandlerTest {
    private static final Flow FROM_PHONE = new Flow("UDP", "127.0.0.1", 5090, "127.0.0.1", 5060);

    @TempDir
    Path dir;
    RoutingFixture f;
    RegisterHandler registrations;
    final List<String> registered = new CopyOnWriteArrayList<>();

    @BeforeEach
    void build() throws Exception {
        f = new RoutingFixture(dir);
        registrations = new RegisterHandler(f.local, f.proxy, f.registrar, registered::add, SIP);
    }

    @AfterEach
    void close() throws Exception {
        f.close();
    }

    private static Request register(String requestUri, String extraHeaders) {
        return request("REGISTER " + requestUri + " SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKr\n"
                + "Max-Forwards: 70\n" + extraHeaders + "From: <sip:alice@example.org>;tag=r\n"
                + "To: <sip:alice@example.org>\nCall-ID: reg-1\nCSeq: 1 REGISTER\n"
                + "Contact: <sip:alice@127.0.0.1:5090>\nExpires: 3600\nContent-Length: 0\n");
    }

    private Optional<Outcome> screen(Request register, String from) throws Exception {
        return registrations.refuseBeforeChallenge(register, (SipURI) register.getRequestURI(),
                InetAddress.getByName(from));
    }

    private static void assertStatelessForbidden(Optional<Outcome> refused, String reason) {
        Outcome.Respond respond = assertInstanceOf(Outcome.Respond.class, refused.orElseThrow());
        assertTrue(respond.stateless(), "refused before authentication: no transaction");
        assertEquals(Response.FORBIDDEN, respond.response().getStatusCode());
        assertEquals(reason, respond.response().getReasonPhrase());
    }

    @Test
    void registerForOurDomainFromAnAllowedSourceGoesOnToTheChallenge() throws Exception {
        assertEquals(Optional.empty(), screen(register("sip:example.org", ""), "127.0.0.1"));
    }

    @Test
    void registerForAnotherDomainIsRefusedBeforeAnyChallenge() throws Exception {
        assertStatelessForbidden(screen(register("sip:elsewhere.example", ""), "127.0.0.1"), "Not our domain");
    }

    /** security.allowed-destinations is 127.0.0.0/8 here: a binding we could never send to is refused. */
    @Test
    void registerFromASourceWeMayNotSendToIsRefused() throws Exception {
        assertStatelessForbidden(screen(register("sip:example.org", ""), "192.0.2.1"), "Source address not allowed");
    }

    /** RFC 3327 §5.3: Path only from proxy.edge-proxies (none here). */
    @Test
    void registerWithAPathFromAClientIsRefused() throws Exception {
        assertStatelessForbidden(screen(register("sip:example.org", "Path: <sip:192.0.2.9;lr>\n"), "127.0.0.1"),
                "Path accepted from edge proxies only");
    }

    /** RFC 3428 store and forward: stored messages go out only once the device has its 200. */
    @Test
    void acceptedRegisterIsAnswered200AndTheDeviceCountsAsRegisteredOnlyAfterTheAnswer() {
        Outcome.Respond respond = assertInstanceOf(Outcome.Respond.class,
                registrations.register(register("sip:example.org", ""), "alice", FROM_PHONE));
        assertEquals(Response.OK, respond.response().getStatusCode());
        assertTrue(respond.stateless(), "answered without a transaction, as Kamailio's registrar answers (issue 12)");
        assertEquals(List.of(), registered);
        respond.afterSent().run();
        assertEquals(List.of("alice"), registered);
        assertEquals(1, f.locations.lookup("alice").size());
    }

    /** RFC 3261 §10.3 step 7: a too short Expires gets 423, and nothing is delivered. */
    @Test
    void refusedRegisterTellsNoOne() throws Exception {
        Request tooShort = register("sip:example.org", "");
        tooShort.setExpires(SIP.headers().createExpiresHeader(5));
        Outcome.Respond respond = assertInstanceOf(Outcome.Respond.class,
                registrations.register(tooShort, "alice", FROM_PHONE));
        assertEquals(Response.INTERVAL_TOO_BRIEF, respond.response().getStatusCode());
        respond.afterSent().run();
        assertEquals(List.of(), registered);
    }
    /**
     * A store that writes later (the cluster's batches): the handler holds no worker, answers without a transaction
     * once the write completes, and a Redis out of reach then gets the router's 503 with Retry-After.
     */
    @Test
    void aRegisterStoredLaterIsAnsweredStatelesslyWhenStoredAnd503WhenRedisIsAway() throws Exception {
        CompletableFuture<Void> written = new CompletableFuture<>();
        RegisterHandler handler = handlerOnStoreWritingWhen(written);
        Request register = register("sip:example.org", "");
        Outcome.Later later = assertInstanceOf(Outcome.Later.class, handler.register(register, "alice", FROM_PHONE));
        assertTrue(later.stateless(), "answered as a REGISTER always is: without a transaction");
        assertFalse(later.answer().toCompletableFuture().isDone(), "no answer before the write");
        assertTrue(handler.isBeingStored((Request) register.clone(), FROM_PHONE),
                "its retransmission meanwhile is dropped, not challenged again");
        Request next = register("sip:example.org", "");
        ((ViaHeader) next.getHeader(ViaHeader.NAME)).setBranch("z9hG4bKnext");
        assertFalse(handler.isBeingStored(next, FROM_PHONE), "the phone's next REGISTER is not a retransmission");
        assertFalse(handler.isBeingStored(register, new Flow("UDP", "127.0.0.2", 5090, "127.0.0.1", 5060)),
                "nor the same bytes from another source");
        written.complete(null);
        assertFalse(handler.isBeingStored(register, FROM_PHONE), "answered: a retransmission now is routed again");
        Outcome.Respond respond = later.answer().toCompletableFuture().join();
        assertEquals(Response.OK, respond.response().getStatusCode());
        assertTrue(respond.stateless());
        respond.afterSent().run();
        assertEquals(List.of("alice"), registered);

        CompletableFuture<Void> lost = new CompletableFuture<>();
        Outcome.Later refused = assertInstanceOf(Outcome.Later.class,
                handlerOnStoreWritingWhen(lost).register(register("sip:example.org", ""), "alice", FROM_PHONE));
        lost.completeExceptionally(new SharedStateHealth("redis://127.0.0.1:1").unavailable("persist",
                new RedisException("connection refused")));
        Response unavailable = refused.answer().toCompletableFuture().join().response();
        assertEquals(Response.SERVICE_UNAVAILABLE, unavailable.getStatusCode());
        assertTrue(unavailable.getHeader(RetryAfterHeader.NAME) != null, "Retry-After: " + unavailable);
    }

    /** A handler whose registrar's store (the fixture's) makes each change only once {@code written} completes. */
    private RegisterHandler handlerOnStoreWritingWhen(CompletableFuture<Void> written) {
        LocationService later = new LocationService() {
            @Override
            public CompletionStage<Claim> updateClaimingLater(String aor, List<String> contactUris,
                    Predicate<Binding> taken, UnaryOperator<List<Binding>> change) {
                return written.thenApply(done -> updateClaiming(aor, contactUris, taken, change));
            }

            @Override
            public List<Binding> lookup(String aor) {
                return f.locations.lookup(aor);
            }

            @Override
            public Optional<Binding> findByInstance(String aor, String instanceId) {
                return f.locations.findByInstance(aor, instanceId);
            }

            @Override
            public Optional<Binding> findByContact(String contactUri) {
                return f.locations.findByContact(contactUri);
            }

            @Override
            public Optional<Binding> findOthersByContact(String contactUri, String aor) {
                return f.locations.findOthersByContact(contactUri, aor);
            }

            @Override
            public List<Binding> update(String aor, UnaryOperator<List<Binding>> change) {
                return f.locations.update(aor, change);
            }

            @Override
            public void removeAll(String aor) {
                f.locations.removeAll(aor);
            }

            @Override
            public int purgeExpired() {
                return f.locations.purgeExpired();
            }

            @Override
            public int count() {
                return f.locations.count();
            }
        };
        return new RegisterHandler(f.local, f.proxy, new Registrar(RegistrarSettings.defaults(RoutingFixture.DOMAIN),
                later, SIP.messages(), SIP.headers(), SIP.addresses(), Clock.systemUTC(), ""), registered::add, SIP);
    }
}
