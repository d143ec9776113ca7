package org.liaison.sip.hardening;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 5, user enumeration: a wrong password, an unknown user and a disabled user (taken out of
 * users.csv, which is what disabling does: the account leaves the directory) get the same answer,
 * for REGISTER (401) and INVITE (407): same status, reason, header names and challenge shape.
 * Equal work (a digest against a stand-in HA1 for the unknown) is DigestAuthenticatorTest's.
 */
@Timeout(60)
class EnumerationTest {
    @TempDir
    Path root;

    @Test
    void wrongPasswordUnknownUserAndDisabledUserAreIndistinguishable() throws Exception {
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("carol", "carol-secret", "1003").start(root)) {
            Files.writeString(server.usersFile(), Files.readString(server.usersFile()).replaceAll("(?m)^carol,.*\\n", ""),
                    StandardCharsets.UTF_8);
            await("carol disabled").atMost(Duration.ofSeconds(5)).until(() -> server.server().accounts().byUsername("carol").isEmpty());
            List<String> wrongPassword = answers(server, "alice", "not-alice-secret");
            assertEquals(List.of("401 Unauthorized", "407 Proxy Authentication required"),
                    wrongPassword.stream().map(a -> a.substring(0, a.indexOf('|'))).toList());
            assertEquals(wrongPassword, answers(server, "mallory", "whatever"), "unknown user");
            assertEquals(wrongPassword, answers(server, "carol", "carol-secret"), "disabled user");
        }
    }

    /** The shape of the answers to a REGISTER and an INVITE with these credentials. */
    private static List<String> answers(TestServer server, String user, String password) throws Exception {
        try (TestUa ua = new TestUa(user, server)) {
            SipText register = ua.register(password, "");
            SipText invite = ua.sendWithAuth(Calls.invite(ua, "sip:alice@" + TestServer.DOMAIN,
                    UUID.randomUUID().toString()), password);
            return List.of(shape(register, "www-authenticate"), shape(invite, "proxy-authenticate"));
        }
    }

    /** Status, reason, header names and challenges without their nonce and opaque. */
    private static String shape(SipText response, String challengeHeader) {
        String challenges = String.join(" / ", response.all(challengeHeader)).replaceAll("(nonce|opaque)=\"[^\"]*\"", "");
        return response.startLine().substring("SIP/2.0 ".length()) + "|"
                + response.headers().stream().map(h -> h.getKey()).sorted().toList() + "|" + challenges;
    }
}
