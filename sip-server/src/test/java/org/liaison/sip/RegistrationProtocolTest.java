package org.liaison.sip;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.LiaisonServer.Agent;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/** REGISTER against the real server on loopback (RFC 3261 §10, RFC 7616, RFC 5627). */
class RegistrationProtocolTest {
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002"));
    @Agent TestUa alice;

    @Test
    void registerWithDigestGets200ListingTheBinding() throws Exception {
        SipText ok = alice.register("alice-secret", "");
        assertEquals(200, ok.status(), ok.toString());
        assertTrue(ok.header("contact").orElseThrow().contains(alice.contact()), ok.toString());
        assertEquals(1, liaison.server().server().locations().lookup("alice").size());
    }

    @Test
    void registerWithoutCredentialsIsChallengedWithSha256AndMd5() throws Exception {
        alice.send(alice.registerRequest(UUID.randomUUID().toString(), 3600, "").replace("{auth}", ""));
        SipText challenge = alice.awaitResponse("REGISTER", 200);
        assertEquals(401, challenge.status());
        List<String> challenges = challenge.all("www-authenticate");
        assertEquals(2, challenges.size(), challenges.toString());
        assertEquals("SHA-256", TestUa.param(challenges.get(0), "algorithm"));
        assertEquals("MD5", TestUa.param(challenges.get(1), "algorithm"));
        assertEquals("auth", TestUa.param(challenges.get(0), "qop"));
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() throws Exception {
        SipText wrong = alice.register("not-the-password", "");
        SipText unknown;
        try (TestUa mallory = new TestUa("mallory", liaison.server())) {
            unknown = mallory.register("whatever", "");
        }
        assertEquals(401, wrong.status());
        assertEquals(wrong.status(), unknown.status());
        assertEquals(headerNames(wrong), headerNames(unknown));
        assertEquals(challengeShape(wrong), challengeShape(unknown));
        assertTrue(liaison.server().server().locations().lookup("alice").isEmpty());
    }

    @Test
    void disabledUserGetsExactlyTheAnswerAnUnknownUserGets() throws Exception {
        assertEquals(200, alice.register("alice-secret", "").status());
        disable("alice");
        await("alice's binding removed").atMost(Duration.ofSeconds(10)).until(() -> liaison.server().server().locations().lookup("alice").isEmpty());

        SipText disabled = alice.register("alice-secret", "");
        SipText unknown;
        try (TestUa mallory = new TestUa("mallory", liaison.server())) {
            unknown = mallory.register("whatever", "");
        }
        assertEquals(401, disabled.status(), disabled.toString());
        assertEquals(unknown.status(), disabled.status());
        assertEquals(headerNames(unknown), headerNames(disabled));
        assertEquals(challengeShape(unknown), challengeShape(disabled));
        assertTrue(liaison.server().server().locations().lookup("alice").isEmpty());
    }

    @Test
    void registerBelowMinExpiresGets423WithMinExpires() throws Exception {
        String request = alice.registerRequest(UUID.randomUUID().toString(), 5, "");
        SipText response = alice.sendWithAuth(request, "alice-secret");
        assertEquals(423, response.status(), response.toString());
        assertEquals("60", response.header("min-expires").orElseThrow());
    }

    @Test
    void deviceWithGruuSupportGetsItsPubGruu() throws Exception {
        String instance = "urn:uuid:" + UUID.randomUUID();
        SipText ok = alice.register("alice-secret", ";+sip.instance=\"<" + instance + ">\"");
        assertEquals(200, ok.status(), ok.toString());
        String contact = ok.header("contact").orElseThrow();
        assertTrue(contact.contains("pub-gruu=\"sip:alice@" + TestServer.DOMAIN + ";gr=" + instance + "\""), contact);
    }

    @Test
    void bindingsSurviveARestart() throws Exception {
        assertEquals(200, alice.register("alice-secret", "").status());
        liaison.server().stop();
        liaison.server().start();
        assertEquals(1, liaison.server().server().locations().lookup("alice").size());
    }

    @Test
    void userRemovedFromUsersFileLosesRegistrationsWithoutRestart() throws Exception {
        assertEquals(200, alice.register("alice-secret", "").status());
        List<String> lines = Files.readAllLines(liaison.server().usersFile());
        Files.write(liaison.server().usersFile(), lines.stream().filter(l -> !l.startsWith("alice,")).toList());
        await("alice's binding removed").atMost(Duration.ofSeconds(10)).until(() -> liaison.server().server().locations().lookup("alice").isEmpty());
        assertEquals(401, alice.register("alice-secret", "").status());
    }

    @Test
    void userAddedToUsersFileCanRegisterWithoutRestart() throws Exception {
        Files.writeString(liaison.server().usersFile(), "carol,clrtxt:carol-secret,Carol,1003,\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        await("carol loaded").atMost(Duration.ofSeconds(10)).until(() -> liaison.server().server().accounts().byUsername("carol").isPresent());
        try (TestUa carol = new TestUa("carol", liaison.server())) {
            assertEquals(200, carol.register("carol-secret", "").status());
        }
    }

    @Test
    void optionsKeepAliveToTheServerGets200() throws Exception {
        alice.send("OPTIONS sip:" + TestServer.DOMAIN + " SIP/2.0\r\nVia: " + alice.via(TestUa.newBranch())
                + "\r\nMax-Forwards: 70\r\nFrom: <" + alice.aor() + ">;tag=1\r\nTo: <sip:" + TestServer.DOMAIN
                + ">\r\nCall-ID: ka-" + UUID.randomUUID() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
        assertEquals(200, alice.awaitResponse("OPTIONS", 200).status());
    }

    @Test
    void crlfKeepAliveOnTcpGetsAPong() throws Exception {
        // RFC 5626 §4.4.1: a double CRLF ping is answered with a single CRLF pong
        try (java.net.Socket tcp = new java.net.Socket(liaison.server().host(), liaison.server().port())) {
            tcp.setSoTimeout(5000);
            tcp.getOutputStream().write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] pong = tcp.getInputStream().readNBytes(2);
            assertEquals("\r\n", new String(pong, StandardCharsets.US_ASCII));
        }
    }

    @Test
    void malformedRequestsDoNotStopTheServer() throws Exception {
        alice.sendBytes("INVITE sip:bob@x SIP/2.0\r\nVia: garbage\r\nContent-Length: 99999\r\n\r\n"
                .getBytes(StandardCharsets.UTF_8));
        alice.sendBytes(new byte[] {0, 1, 2, 3, '\r', '\n'});
        alice.sendBytes("\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, alice.register("alice-secret", "").status());
    }

    private static Set<String> headerNames(SipText m) {
        Set<String> names = new TreeSet<>();
        m.headers().forEach(h -> names.add(h.getKey()));
        return names;
    }

    /** The challenge parameters that may not differ between users (nonce and opaque always do). */
    private static List<String> challengeShape(SipText m) {
        return m.all("www-authenticate").stream()
                .map(c -> c.replaceAll("nonce=\"[^\"]*\"", "").replaceAll("opaque=\"[^\"]*\"", "")).toList();
    }

    /** Adds a disabled column to users.csv saying yes for {@code user}, as an admin would. */
    private void disable(String user) throws Exception {
        List<String> lines = Files.readAllLines(liaison.server().usersFile());
        List<String> edited = lines.stream()
                .map(l -> l.startsWith("username,") ? l + ",disabled" : l.startsWith(user + ",") ? l + ",yes" : l)
                .toList();
        Files.write(liaison.server().usersFile(), edited);
        await(user + " disabled").atMost(Duration.ofSeconds(10)).until(() -> liaison.server().server().accounts().current().disabled().stream()
                .anyMatch(a -> a.username().equals(user)));
    }
}
