package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.enrolment.EnrolmentTokens;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * A linphonec that knows only its enrolment link ({@code [misc] config-uri}) and the CA to trust:
 * it fetches its account over HTTPS, registers over TLS with the HA1 it received, and fetches the
 * directory with those same credentials.
 */
@Timeout(90)
class RealClientProvisioningTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(30);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure leaves linphonec's log and linphonerc to read
    Path root;
    TestServer server;
    Linphonec client;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.builder().withTls().withProvisioning()
                .user("alice", "alice-secret", "1001")
                .userLine("bob,clrtxt:bob-secret,Bob Durand,1002,staff")
                .start(root.resolve("server"));
    }

    @AfterEach
    void stopEverything() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    @Test
    void linphonecConfiguredOnlyByItsEnrolmentLinkRegistersAndFetchesTheDirectory() throws Exception {
        String token = new EnrolmentTokens(server.dataDir(), Duration.ofHours(1), Clock.systemUTC())
                .issue("alice").token();
        String link = "https://127.0.0.1:" + server.httpPort() + "/p/" + token;

        client = Linphonec.provisioned(root, "alice", link, server.dataDir().resolve("ca.pem"));

        assertEquals("Ok", client.awaitRegistration(REGISTRATION), client::logs);
        assertEquals(1, server.server().locations().lookup("alice").size());
        String rc = client.linphonerc();
        assertTrue(rc.contains("config-uri=https://127.0.0.1:" + server.httpPort() + "/config/alice"), rc);
        assertFalse(rc.contains("alice-secret"), "the clear password never reached the client");
        assertTrue(rc.contains("media_encryption=srtp") && rc.contains("media_encryption_mandatory=1"), rc);
        assertTrue(rc.contains("reg_proxy=<sip:127.0.0.1:" + server.tlsPort() + ";transport=tls>"), rc);
        // linphonec has no command that lists a vCard friend list: its log shows the list received
        // (the 200's body, after the digest challenge) and liblinphone taking every card without complaint
        assertTrue(client.awaitLog("FN:Bob Durand", Duration.ofSeconds(15)),
                () -> "the directory (vCard list) was not fetched\n" + client.logs());
        assertTrue(client.awaitLog("IMPP:sip:bob@" + TestServer.DOMAIN, Duration.ZERO), client::logs);
        assertFalse(client.log().contains("Couldn't parse buffer"), client::logs);
        assertFalse(client.log().contains("invalid friend"), client::logs);
    }

    @Test
    void atTheNextStartLinphonecRefetchesItsConfigurationSignedWithItsCredentialsAndRegistersAgain()
            throws Exception {
        String token = new EnrolmentTokens(server.dataDir(), Duration.ofHours(1), Clock.systemUTC())
                .issue("alice").token();
        Linphonec first = Linphonec.provisioned(root, "alice", "https://127.0.0.1:" + server.httpPort() + "/p/" + token,
                server.dataDir().resolve("ca.pem"));
        client = first;
        assertEquals("Ok", first.awaitRegistration(REGISTRATION), first::logs);
        assertTrue(first.quit(Duration.ofSeconds(10)), first::logs);

        client = first.restartedAs(root, "alice-again");

        assertEquals("Ok", client.awaitRegistration(REGISTRATION), client::logs);
        // the token is spent: only the digest-signed refresh can have given it a file to apply
        assertTrue(client.awaitLog("Set misc\\|config-uri = https://127\\.0\\.0\\.1:" + server.httpPort()
                + "/config/alice", Duration.ZERO), () -> "no refetch of the configuration\n" + client.logs());
        assertEquals(1, server.server().locations().lookup("alice").size());
    }

    /**
     * The directory as one list, as a provisioned Linphone watches it ({@code [sip] rls_uri}, {@code publish=1}):
     * one SUBSCRIBE over TLS, the phone's GRUU as Contact, and the list NOTIFY over its connection. The phone stays
     * up and is reached right after (linphonec 5.1 once crashed on the NOTIFY, and the server then looped opening
     * connections to its ephemeral port while other phones went unanswered).
     */
    @Test
    void aProvisionedLinphonecGetsTheDirectoryListNotifyOverTlsAndIsStillReachedAfterIt() throws Exception {
        String token = new EnrolmentTokens(server.dataDir(), Duration.ofHours(1), Clock.systemUTC())
                .issue("alice").token();
        client = Linphonec.provisioned(root, "alice", "https://127.0.0.1:" + server.httpPort() + "/p/" + token,
                server.dataDir().resolve("ca.pem"));
        assertEquals("Ok", client.awaitRegistration(REGISTRATION), client::logs);
        assertTrue(client.linphonerc().contains("rls_uri=sip:rls@" + TestServer.DOMAIN), client::linphonerc);

        // the list NOTIFY (RFC 4662: multipart/related, the RLMI root first) reached linphonec
        assertTrue(client.awaitLog("Content-Type: application/rlmi\\+xml", Duration.ofSeconds(30)),
                () -> "linphonec got no list NOTIFY\n" + client.logs());

        try (TestUa bob = TestUa.overTls("bob", server)) {
            String message = bob.messageRequest("sip:alice@" + TestServer.DOMAIN, UUID.randomUUID().toString(),
                    "text/plain", "are you there?");
            assertEquals(200, bob.sendWithAuth(message, "bob-secret").status(), "answered by alice's linphonec\n"
                    + client.logs());
        }
    }
}
