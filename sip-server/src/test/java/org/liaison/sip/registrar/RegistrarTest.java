package org.liaison.sip.registrar;

import org.liaison.sip.config.RegistrarSettings;
import org.liaison.sip.message.Flow;
import org.liaison.im.MutableClock;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.registrar.SipFixtures.BARESIP;
import static org.liaison.sip.registrar.SipFixtures.BARESIP_INSTANCE;
import static org.liaison.sip.registrar.SipFixtures.DOMAIN;
import static org.liaison.sip.registrar.SipFixtures.LINPHONE;
import static org.liaison.sip.registrar.SipFixtures.LINPHONE_CONTACT;
import static org.liaison.sip.registrar.SipFixtures.LINPHONE_INSTANCE;
import static org.liaison.sip.registrar.SipFixtures.PLAIN;

import io.lettuce.core.RedisException;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.MinExpiresHeader;
import javax.sip.header.SupportedHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.UnsupportedHeader;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.cluster.SharedStateHealth;
import org.liaison.sip.cluster.SharedStateUnavailable;

class RegistrarTest {
    private static final Instant NOW = Instant.parse("2025-03-01T09:00:00Z");
    private static final Flow NAT_FLOW = new Flow("UDP", "203.0.113.7", 40312, "198.51.100.1", 5060);

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(NOW);
    private EmbeddedLocationService locations;
    private Registrar registrar;

    @BeforeEach
    void start() throws IOException {
        locations = EmbeddedLocationService.open(dataDir, clock);
        registrar = registrarWith(RegistrarSettings.defaults(DOMAIN));
    }

    @AfterEach
    void stop() throws IOException {
        locations.close();
    }

    private Registrar registrarWith(RegistrarSettings settings) {
        return new Registrar(settings, locations, SipFixtures.MESSAGES, SipFixtures.HEADERS, SipFixtures.ADDRESSES,
                clock, "");
    }

    private Response register(String text, String user) {
        return SipFixtures.reparsed(
                registrar.register(SipFixtures.request(text), user, NAT_FLOW).toCompletableFuture().join());
    }

    // --- the two clients we care most about ---------------------------------------------------

    @Test
    void linphoneRegisterIsStoredWithItsContactVerbatimAndItsFlow() {
        Response response = register(LINPHONE, "alice");

        assertEquals(200, response.getStatusCode());
        Binding binding = single(locations.lookup("alice"));
        assertEquals(LINPHONE_CONTACT, binding.contactHeader());
        assertEquals("sip:alice@192.168.1.20:5072;transport=udp", binding.contactUri());
        assertEquals(Optional.of(LINPHONE_INSTANCE), binding.instanceId());
        assertEquals(OptionalInt.empty(), binding.regId());
        assertEquals("5xK9-Lq2Zp", binding.callId());
        assertEquals(20, binding.cseq());
        assertEquals(NOW.plusSeconds(3600), binding.expiresAt());
        assertEquals(NAT_FLOW, binding.flow());
        assertEquals(NOW, binding.registeredAt());
        assertEquals(List.of(), binding.path());
    }

    @Test
    void linphoneGetsItsPublicGruuAndItsContactBackIntact() {
        Response response = register(LINPHONE, "alice");

        ContactHeader contact = single(contacts(response));
        assertEquals("sip:alice@example.org;gr=" + LINPHONE_INSTANCE, contact.getParameter("pub-gruu"));
        assertEquals(Registrar.gruuFor("alice", DOMAIN, LINPHONE_INSTANCE), contact.getParameter("pub-gruu"));
        assertEquals(3600, contact.getExpires());
        assertEquals("groupchat/1.1,lime,ephemeral/1.1", contact.getParameter("+org.linphone.specs"));
        assertEquals("<" + LINPHONE_INSTANCE + ">", contact.getParameter("+sip.instance"));
        assertTrue(response.toString().contains(
                ";pub-gruu=\"sip:alice@example.org;gr=" + LINPHONE_INSTANCE + "\""), response::toString);
        assertEquals(List.of("gruu"), optionTags(response));
        assertNotNull(response.getHeader("Date"));
    }

    @Test
    void baresipRegisterIsKeyedByInstanceAndRegId() {
        Response response = register(BARESIP, "bob");

        assertEquals(200, response.getStatusCode());
        Binding binding = single(locations.lookup("bob"));
        assertEquals(BARESIP_INSTANCE + ":1", binding.key());
        assertEquals(OptionalInt.of(1), binding.regId());
        assertEquals("sip:bob-0x55d1@192.168.1.30:5060;ob", binding.contactUri());
    }

    @Test
    void noGruuIsGivenToAClientThatDidNotAskForOne() {
        Response response = register(BARESIP, "bob");

        assertNull(single(contacts(response)).getParameter("pub-gruu"));
    }

    // --- whose address-of-record (§10.3 steps 4 and 5) ----------------------------------------

    @Test
    void registerForAnotherUserGets403() {
        Response response = register(LINPHONE, "mallory");

        assertEquals(403, response.getStatusCode());
        assertEquals(List.of(), locations.lookup("alice"));
        assertEquals(List.of(), locations.lookup("mallory"));
    }

    @Test
    void registerWithAForeignDomainInToGets403() {
        Response response = register(LINPHONE.replace("To: sip:alice@example.org", "To: sip:alice@example.net"),
                "alice");

        assertEquals(403, response.getStatusCode());
        assertEquals(List.of(), locations.lookup("alice"));
    }

    @Test
    void theUserNameIsComparedWithoutRegardToCase() {
        Response response = register(LINPHONE.replace("To: sip:alice@", "To: sip:Alice@"), "ALICE");

        assertEquals(200, response.getStatusCode());
        assertEquals(1, locations.lookup("alice").size());
    }

    // --- Contact: * (§10.3 step 6) ------------------------------------------------------------

    @Test
    void wildcardContactWithExpiresZeroRemovesEveryBinding() {
        register(LINPHONE, "alice");
        register(withContact(withCallId(LINPHONE, "other-call"), "<sip:alice@192.168.1.21:5060>"), "alice");
        assertEquals(2, locations.lookup("alice").size());

        Response response = register(unregisterAll(withCSeq(LINPHONE, 21)), "alice");

        assertEquals(200, response.getStatusCode());
        assertEquals(List.of(), contacts(response));
        assertEquals(List.of(), locations.lookup("alice"));
    }

    @Test
    void wildcardContactWithANonZeroExpiresGets400() {
        register(LINPHONE, "alice");

        Response response = register(withCSeq(LINPHONE, 21).replace("Contact: " + LINPHONE_CONTACT, "Contact: *"),
                "alice");

        assertEquals(400, response.getStatusCode());
        assertEquals(1, locations.lookup("alice").size());
    }

    @Test
    void wildcardContactBesideAnotherContactGets400() {
        Response response = register(unregisterAll(LINPHONE).replace("Contact: *",
                "Contact: *\nContact: <sip:alice@192.168.1.21>"), "alice");

        assertEquals(400, response.getStatusCode());
    }

    @Test
    void wildcardContactFromTheSameCallIdWithAnOldCSeqGets500AndRemovesNothing() {
        register(withCSeq(LINPHONE, 30), "alice");

        Response response = register(unregisterAll(withCSeq(LINPHONE, 30)), "alice");

        assertEquals(500, response.getStatusCode());
        assertEquals(1, locations.lookup("alice").size());
    }

    // --- expiry (§10.3 step 7) ----------------------------------------------------------------

    @Test
    void theContactsExpiresParameterWinsOverTheExpiresHeader() {
        register(withContact(LINPHONE, LINPHONE_CONTACT + ";expires=120"), "alice");

        assertEquals(NOW.plusSeconds(120), single(locations.lookup("alice")).expiresAt());
    }

    @Test
    void theExpiresHeaderAppliesToAContactWithoutItsOwn() {
        register(LINPHONE.replace("Expires: 3600", "Expires: 900"), "alice");

        assertEquals(NOW.plusSeconds(900), single(locations.lookup("alice")).expiresAt());
    }

    @Test
    void theDefaultExpiresAppliesWhenTheRequestNamesNone() {
        registrar = registrarWith(new RegistrarSettings(DOMAIN, 1800, 60, 86400, 10));

        register(PLAIN, "carol");

        assertEquals(NOW.plusSeconds(1800), single(locations.lookup("carol")).expiresAt());
    }

    @Test
    void expiresZeroRemovesThatBindingOnly() {
        register(LINPHONE, "alice");
        register(withCallId(withContact(LINPHONE, "<sip:alice@192.168.1.21>"), "desk"), "alice");

        Response response = register(withCSeq(LINPHONE.replace("Expires: 3600", "Expires: 0"), 21), "alice");

        assertEquals(200, response.getStatusCode());
        assertEquals("sip:alice@192.168.1.21", single(locations.lookup("alice")).contactUri());
        assertEquals("sip:alice@192.168.1.21", single(contacts(response)).getAddress().getURI().toString());
    }

    @Test
    void registerBelowMinExpiresGets423WithMinExpires() {
        Response response = register(LINPHONE.replace("Expires: 3600", "Expires: 30"), "alice");

        assertEquals(423, response.getStatusCode());
        assertEquals(60, ((MinExpiresHeader) response.getHeader(MinExpiresHeader.NAME)).getExpires());
        assertEquals(List.of(), locations.lookup("alice"));
    }

    @Test
    void expiresAboveTheMaximumIsClamped() {
        Response response = register(LINPHONE.replace("Expires: 3600", "Expires: 999999"), "alice");

        assertEquals(NOW.plusSeconds(86400), single(locations.lookup("alice")).expiresAt());
        assertEquals(86400, single(contacts(response)).getExpires());
    }

    // --- ordering (§10.3 step 7) --------------------------------------------------------------

    @Test
    void aRegisterFromTheSameCallIdWithAnEqualOrLowerCSeqGets500AndChangesNothing() {
        register(withCSeq(LINPHONE, 20), "alice");
        Binding before = single(locations.lookup("alice"));
        clock.advance(Duration.ofMinutes(1));

        for (long stale : new long[] {20, 19}) {
            Response response = register(withCSeq(LINPHONE.replace("Expires: 3600", "Expires: 0"), stale), "alice");
            assertEquals(500, response.getStatusCode());
            assertEquals("Out of order REGISTER", response.getReasonPhrase());
        }

        assertEquals(List.of(before), locations.lookup("alice"));
    }

    @Test
    void aRegisterWithADifferentCallIdReplacesTheBindingWhateverItsCSeq() {
        register(withCSeq(PLAIN, 50), "carol");

        Response response = register(withCSeq(withCallId(PLAIN, "after-reboot"), 1), "carol");

        assertEquals(200, response.getStatusCode());
        Binding binding = single(locations.lookup("carol"));
        assertEquals("after-reboot", binding.callId());
        assertEquals(1, binding.cseq());
    }

    // --- devices (RFC 5626 §6, RFC 5627) ------------------------------------------------------

    @Test
    void aDeviceThatReRegistersFromANewAddressReplacesItsOldBinding() {
        register(LINPHONE, "alice");

        String moved = LINPHONE_CONTACT.replace("192.168.1.20:5072", "10.0.0.5:5072");
        Response response = register(withCallId(withContact(LINPHONE, moved), "new-call-after-wifi-change"), "alice");

        assertEquals(200, response.getStatusCode());
        assertEquals("sip:alice@10.0.0.5:5072;transport=udp", single(locations.lookup("alice")).contactUri());
        assertEquals(1, contacts(response).size());
    }

    @Test
    void aRefreshKeepsTheTimeTheRegistrationBegan() {
        register(LINPHONE, "alice");
        clock.advance(Duration.ofMinutes(30));

        register(withCSeq(LINPHONE, 21), "alice");

        Binding binding = single(locations.lookup("alice"));
        assertEquals(NOW, binding.registeredAt());
        assertEquals(NOW.plus(Duration.ofMinutes(30)).plusSeconds(3600), binding.expiresAt());
    }

    @Test
    void aRegIdWithoutAnInstanceIsIgnored() {
        register(withContact(PLAIN, "<sip:carol@192.168.1.40:5060>;reg-id=2"), "carol");

        assertEquals(OptionalInt.empty(), single(locations.lookup("carol")).regId());
    }

    @Test
    void anInvalidRegIdGets400() {
        Response response = register(BARESIP.replace("reg-id=1", "reg-id=0"), "bob");

        assertEquals(400, response.getStatusCode());
        assertEquals(List.of(), locations.lookup("bob"));
    }

    // --- the cap ------------------------------------------------------------------------------

    @Test
    void aNewDeviceBeyondTheCapGets403AndChangesNothing() {
        registrar = registrarWith(new RegistrarSettings(DOMAIN, 3600, 60, 86400, 2));
        register(withCallId(withContact(PLAIN, "<sip:carol@192.168.1.41>"), "c1"), "carol");
        register(withCallId(withContact(PLAIN, "<sip:carol@192.168.1.42>"), "c2"), "carol");

        Response response = register(withCallId(withContact(PLAIN, "<sip:carol@192.168.1.43>"), "c3"), "carol");

        assertEquals(403, response.getStatusCode());
        assertEquals("Too many registered contacts", response.getReasonPhrase());
        assertEquals(2, locations.lookup("carol").size());
    }

    @Test
    void refreshingADeviceAtTheCapIsAccepted() {
        registrar = registrarWith(new RegistrarSettings(DOMAIN, 3600, 60, 86400, 2));
        register(withCallId(withContact(PLAIN, "<sip:carol@192.168.1.41>"), "c1"), "carol");
        register(withCallId(withContact(PLAIN, "<sip:carol@192.168.1.42>"), "c2"), "carol");

        Response response = register(withCSeq(withCallId(withContact(PLAIN, "<sip:carol@192.168.1.42>"), "c2"), 2),
                "carol");

        assertEquals(200, response.getStatusCode());
        assertEquals(2, contacts(response).size());
    }

    // --- Path (RFC 3327) and Require (§10.3 step 2) -------------------------------------------

    @Test
    void pathIsStoredAndEchoedWhenTheClientSupportsIt() {
        Response response = register(withHeader(BARESIP,
                "Path: <sip:edge1.example.org;lr>\nPath: <sip:edge2.example.org;lr;ob>"), "bob");

        assertEquals(List.of("<sip:edge1.example.org;lr>", "<sip:edge2.example.org;lr;ob>"),
                single(locations.lookup("bob")).path());
        assertEquals(List.of("Path: <sip:edge1.example.org;lr>", "Path: <sip:edge2.example.org;lr;ob>"),
                headerLines(response, "Path"));
        assertEquals(List.of("path"), optionTags(response));
    }

    @Test
    void pathIsStoredButNotEchoedWhenTheClientDoesNotSupportIt() {
        Response response = register(withHeader(LINPHONE, "Path: <sip:edge1.example.org;lr>"), "alice");

        assertEquals(List.of("<sip:edge1.example.org;lr>"), single(locations.lookup("alice")).path());
        assertEquals(List.of(), headerLines(response, "Path"));
    }

    @Test
    void requireWithAnOptionWeDoNotSupportGets420NamingIt() {
        Response response = register(withHeader(LINPHONE, "Require: path, sec-agree"), "alice");

        assertEquals(420, response.getStatusCode());
        assertEquals("sec-agree", ((UnsupportedHeader) response.getHeader(UnsupportedHeader.NAME)).getOptionTag());
        assertEquals(List.of(), locations.lookup("alice"));
    }

    @Test
    void requireOfPathGruuAndOutboundIsAccepted() {
        Response response = register(withHeader(LINPHONE, "Require: path, gruu, outbound"), "alice");

        assertEquals(200, response.getStatusCode());
    }

    // --- the 200 OK (§10.3 step 8) ------------------------------------------------------------

    @Test
    void theOkListsEveryLiveBindingOfTheUserWithItsRemainingExpires() {
        register(LINPHONE, "alice");
        clock.advance(Duration.ofSeconds(600));

        Response response = register(withCallId(withContact(PLAIN.replace("carol", "alice"), "<sip:alice@192.168.1.21>"),
                "desk"), "alice");

        List<ContactHeader> contacts = contacts(response);
        assertEquals(2, contacts.size());
        assertEquals(3000, contacts.get(0).getExpires());
        assertEquals(LINPHONE_INSTANCE, contacts.get(0).getParameter("+sip.instance").replaceAll("[<>]", ""));
        assertEquals(3600, contacts.get(1).getExpires());
        assertEquals("sip:alice@192.168.1.21", contacts.get(1).getAddress().getURI().toString());
    }

    @Test
    void expiredBindingsAreNotListed() {
        register(withContact(LINPHONE, LINPHONE_CONTACT + ";expires=60"), "alice");
        clock.advance(Duration.ofSeconds(61));

        Response response = register(withCallId(withContact(LINPHONE, "<sip:alice@192.168.1.21>"), "desk"), "alice");

        assertEquals(1, contacts(response).size());
    }

    @Test
    void aRegisterWithoutContactIsAQueryThatChangesNothing() {
        register(LINPHONE, "alice");
        Binding before = single(locations.lookup("alice"));
        clock.advance(Duration.ofSeconds(100));

        Response response = register(withCSeq(LINPHONE, 21).replace("Contact: " + LINPHONE_CONTACT + "\n", ""), "alice");

        assertEquals(200, response.getStatusCode());
        assertEquals(3500, single(contacts(response)).getExpires());
        assertEquals(List.of(before), locations.lookup("alice"));
    }

    @Test
    void everyResponseCarriesAToTag() {
        assertNotNull(((ToHeader) register(LINPHONE, "alice").getHeader(ToHeader.NAME)).getTag());
        assertNotNull(((ToHeader) register(LINPHONE, "mallory").getHeader(ToHeader.NAME)).getTag());
    }

    @Test
    void aClusterStoreOutOfReachIsLeftToTheRouterWhichAnswers503NotA500() {
        SharedStateHealth health = new SharedStateHealth("redis://127.0.0.1:6379");
        LocationService unreachable = (LocationService) Proxy.newProxyInstance(LocationService.class.getClassLoader(),
                new Class<?>[] {LocationService.class}, (proxy, method, args) -> {
                    if (method.getName().startsWith("update")) {
                        throw health.unavailable("persist the bindings of alice", new RedisException("Connection closed"));
                    }
                    return method.invoke(locations, args);
                });
        Registrar overRedis = new Registrar(RegistrarSettings.defaults(DOMAIN), unreachable, SipFixtures.MESSAGES,
                SipFixtures.HEADERS, SipFixtures.ADDRESSES, clock, "");

        assertThrows(SharedStateUnavailable.class,
                () -> overRedis.register(SipFixtures.request(LINPHONE), "alice", NAT_FLOW));
        assertEquals(List.of(), locations.lookup("alice"));
    }

    @Test
    void aStoreThatCannotPersistGets500AndNoBinding() throws IOException {
        locations.close();

        Response response = register(LINPHONE, "alice");

        assertEquals(500, response.getStatusCode());
        assertEquals(List.of(), locations.lookup("alice"));
    }

    // --- GRUU helpers -------------------------------------------------------------------------

    @Test
    void aGruuGivesBackTheInstanceItWasMadeFrom() throws Exception {
        String gruu = Registrar.gruuFor("alice", DOMAIN, LINPHONE_INSTANCE);

        SipURI uri = (SipURI) SipFixtures.ADDRESSES.createURI(gruu);

        assertEquals(Optional.of(LINPHONE_INSTANCE), Registrar.instanceFromGruu(uri));
        assertEquals("alice", uri.getUser());
    }

    @Test
    void anOrdinaryUriIsNoGruu() throws Exception {
        SipURI uri = (SipURI) SipFixtures.ADDRESSES.createURI("sip:alice@example.org;transport=tcp");

        assertFalse(Registrar.instanceFromGruu(uri).isPresent());
    }

    // --- helpers ------------------------------------------------------------------------------

    private static <T> T single(List<T> list) {
        assertEquals(1, list.size(), () -> "expected exactly one element: " + list);
        return list.get(0);
    }

    private static List<ContactHeader> contacts(Response response) {
        List<ContactHeader> contacts = new ArrayList<>();
        ListIterator<?> iterator = response.getHeaders(ContactHeader.NAME);
        while (iterator.hasNext()) {
            contacts.add((ContactHeader) iterator.next());
        }
        return contacts;
    }

    private static List<String> optionTags(Response response) {
        List<String> tags = new ArrayList<>();
        ListIterator<?> iterator = response.getHeaders(SupportedHeader.NAME);
        while (iterator.hasNext()) {
            tags.add(((SupportedHeader) iterator.next()).getOptionTag());
        }
        return tags;
    }

    private static List<String> headerLines(Response response, String name) {
        List<String> lines = new ArrayList<>();
        ListIterator<?> iterator = response.getHeaders(name);
        while (iterator.hasNext()) {
            lines.add(iterator.next().toString().strip());
        }
        return lines;
    }

    private static String withCSeq(String request, long cseq) {
        return replaceLine(request, "CSeq", cseq + " REGISTER");
    }

    private static String withCallId(String request, String callId) {
        return replaceLine(request, "Call-ID", callId);
    }

    private static String withContact(String request, String contact) {
        return replaceLine(request, "Contact", contact);
    }

    private static String unregisterAll(String request) {
        return replaceLine(replaceLine(request, "Contact", "*"), "Expires", "0");
    }

    private static String withHeader(String request, String lines) {
        return request.replace("Content-Length: 0", lines + "\nContent-Length: 0");
    }

    private static String replaceLine(String request, String name, String value) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + ": .*$").matcher(request);
        if (!line.find()) {
            throw new IllegalArgumentException("no " + name + " in fixture");
        }
        return line.replaceFirst(Matcher.quoteReplacement(name + ": " + value));
    }
}
