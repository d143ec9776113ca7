package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;

/**
 * REGISTER on the wire from SIPp (an independent implementation of the client side of RFC 3261
 * §10.2 and §22.4), against the real server on loopback.
 */
@Timeout(60)
class SippRegistrationTest {
    @TempDir
    Path root;
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();

    @BeforeEach
    void needsSipp() {
        Tools.require("sipp");
    }

    @Test
    void twoHundredUsersRegisterWithDigestAuthentication() throws Exception {
        int users = 200;
        TestServer.Builder builder = SippServers.builder();
        List<String> injection = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String user = String.format("u%03d", i);
            builder.user(user, "pw-" + user, Integer.toString(2000 + i));
            injection.add(user + ";" + Sipp.authentication(user, "pw-" + user));
        }
        TestServer server = liaison.start(builder);

        Sipp.Result result;
        try (Sipp.Run sipp = Sipp.scenario("register.xml").in(root).to(server.host(), server.port())
                .injection(Sipp.injectionFile(root.resolve("users.csv"), injection))
                .key("domain", TestServer.DOMAIN).calls(users).rate(100).timeout(Duration.ofSeconds(40)).start()) {
            result = sipp.await();
        }

        result.assertAllSucceeded(users);
        List<String> unregistered = IntStream.range(0, users).mapToObj(i -> String.format("u%03d", i))
                .filter(u -> server.server().locations().lookup(u).size() != 1).toList();
        assertEquals(List.of(), unregistered, "users without exactly one binding after sipp's 200 OK");
        List<SipLog.Message> messages = SipLog.parseSippMessages(result.messages());
        assertEquals(users, SipLog.responses(messages, 401).size(), "one challenge per user");
        assertEquals(users, SipLog.responses(messages, 200).size(), "one 200 per user");
    }

    @Test
    void aWrongPasswordIsChallengedAgainAndRegistersNothing() throws Exception {
        TestServer server = liaison.start(SippServers.builder().user("alice", "alice-secret", "1001"));

        List<SipLog.Message> responses = refusedRegistration("alice", "not-alice-secret");

        // RFC 3261 §22.4 / RFC 7616: wrong credentials get a new challenge, not a 403
        assertEquals(List.of(401, 401), responses.stream().map(SipLog.Message::status).toList());
        assertNotEquals(nonces(responses.get(0)), nonces(responses.get(1)), "the second challenge has a fresh nonce");
        assertTrue(server.server().locations().lookup("alice").isEmpty(), "a binding was stored for a wrong password");
    }

    @Test
    void anUnknownUserGetsTheSameAnswerAsAWrongPassword() throws Exception {
        TestServer server = liaison.start(SippServers.builder().user("alice", "alice-secret", "1001"));

        SipLog.Message wrongPassword = refusedRegistration("alice", "not-alice-secret").get(1);
        SipLog.Message unknownUser = refusedRegistration("mallory", "whatever").get(1);

        // nothing in the answer may tell an attacker which usernames exist
        assertEquals(wrongPassword.status(), unknownUser.status());
        assertEquals(wrongPassword.headerNames().stream().sorted().toList(),
                unknownUser.headerNames().stream().sorted().toList(), "header fields of the two refusals");
        assertEquals(challengesWithoutNonceAndOpaque(wrongPassword), challengesWithoutNonceAndOpaque(unknownUser));
        assertTrue(server.server().locations().lookup("mallory").isEmpty());
    }

    /** The responses to the two REGISTERs of register-refused.xml (which itself requires 401, 401). */
    private List<SipLog.Message> refusedRegistration(String user, String password) throws Exception {
        Sipp.Result result;
        try (Sipp.Run sipp = Sipp.scenario("register-refused.xml").named("refused-" + user).in(root)
                .to(liaison.server().host(), liaison.server().port())
                .injection(Sipp.injectionFile(root.resolve(user + ".csv"),
                        List.of(user + ";" + Sipp.authentication(user, password))))
                .key("domain", TestServer.DOMAIN).calls(1).timeout(Duration.ofSeconds(20)).start()) {
            result = sipp.await();
        }
        result.assertAllSucceeded(1);
        List<SipLog.Message> responses = SipLog.parseSippMessages(result.messages()).stream()
                .filter(SipLog.Message::isResponse).toList();
        assertEquals(2, responses.size(), () -> "responses to the two REGISTERs\n" + result.logs());
        return responses;
    }

    private static List<String> nonces(SipLog.Message challenge) {
        return challenge.values("www-authenticate").stream()
                .map(c -> SipLog.challengeParameters(c).get("nonce")).toList();
    }

    private static List<Map<String, String>> challengesWithoutNonceAndOpaque(SipLog.Message response) {
        return response.values("www-authenticate").stream().map(c -> {
            Map<String, String> params = new LinkedHashMap<>(SipLog.challengeParameters(c));
            params.remove("nonce");
            params.remove("opaque");
            return params;
        }).toList();
    }
}
