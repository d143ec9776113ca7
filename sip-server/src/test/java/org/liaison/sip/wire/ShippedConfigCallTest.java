package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.liaison.sip.testing.Calls;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.config.LiaisonConfig;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;
import org.liaison.sip.wire.SoftPhone.Kind;

/**
 * Acceptance: the repository's conf/ as shipped (TLS only with the CA the server makes at its first
 * start, media.relay = always, media.encryption = mandatory), with only ports, addresses, data
 * directory and users changed for the test machine, carries encrypted calls with audio both ways
 * between real clients, through its relay, and refuses a call offering plain RTP.
 */
@Timeout(60)
class ShippedConfigCallTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(15);
    private static final Duration SETUP = Duration.ofSeconds(20);
    private static final int ALICE_HZ = 1000;
    private static final int BOB_HZ = 440;
    /** 3 s of G.711 at 50 packets/s. */
    private static final long THREE_SECONDS = 150;

    @TempDir
    Path root;
    RelayedServer server;

    @BeforeEach
    void start() throws Exception {
        server = RelayedServer.shipped(root);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void onlyAddressesPortsAndTheDataDirectoryDifferFromTheShippedConfiguration() throws IOException {
        Properties shipped = properties(TestServer.SHIPPED_CONF);
        Properties tested = properties(server.testServer().configDir());
        Set<String> changed = new TreeSet<>();
        for (String key : tested.stringPropertyNames()) {
            if (!tested.getProperty(key).equals(shipped.getProperty(key))) {
                changed.add(key);
            }
        }
        assertEquals(shipped.stringPropertyNames(), tested.stringPropertyNames());
        // admin.port and relay.metrics-port: 0 (off) in tests, where many servers run at once and 9090/9091 may be
        // anyone's
        assertEquals(Set.of("sip.address", "sip.tls.port", "http.port", "relay.port-min", "relay.port-max", "data.dir",
                "security.allowed-destinations", "media.allowed-destinations", "admin.port", "relay.metrics-port"),
                changed);
    }

    static Stream<Arguments> pairs() {
        return Stream.of(Kind.values())
                .flatMap(caller -> Stream.of(Kind.values()).map(callee -> Arguments.of(caller, callee)));
    }

    @ParameterizedTest(name = "{0} calls {1}")
    @MethodSource("pairs")
    void aCallWithSdesSrtpOverTlsCarriesTheToneThroughTheRelayBothWays(Kind caller, Kind callee) throws Exception {
        SoftPhone alice = phone(caller, "alice", false, ALICE_HZ);
        SoftPhone bob = phone(callee, "bob", true, BOB_HZ);
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call(server.aor("bob"));
        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bob.awaitCallConnected(SETUP), logs);
        for (SoftPhone phone : new SoftPhone[] {alice, bob}) {
            // baresip insists on SRTP over TLS (srtp-mand): connected is SRTP; linphonec says what it negotiated
            if (phone instanceof Linphonec linphonec) {
                assertEquals("SRTP", linphonec.awaitEncryption(SETUP).orElse(""), logs);
            }
        }
        server.awaitMediaBothWays(server.awaitCall(SETUP), THREE_SECONDS, SETUP);
        alice.hangUp();
        assertTrue(bob.awaitCallEnded(Duration.ofSeconds(10)), logs);
        assertTrue(alice.awaitCallEnded(Duration.ofSeconds(10)), logs);

        // each recording is complete once its client has quit
        assertTrue(alice.quit(Duration.ofSeconds(10)) & bob.quit(Duration.ofSeconds(10)), logs);
        assertHeard(bob, ALICE_HZ, logs);
        assertHeard(alice, BOB_HZ, logs);
    }

    @Test
    void aPlainRtpOfferOverTlsIsRefusedWith488AndAWarning() throws Exception {
        try (TestUa alice = TestUa.overTls("alice", server.testServer());
                TestUa bob = TestUa.overTls("bob", server.testServer())) {
            assertEquals(200, bob.register("bob-secret", "").status());
            Calls.sendAuthenticated(alice, "alice-secret", server.aor("bob"), UUID.randomUUID().toString(), Calls.SDP);
            SipText refused = alice.awaitResponse("INVITE", 300);

            assertEquals(488, refused.status(), refused::toString);
            assertEquals("399 " + server.testServer().domain()
                    + " \"media must be encrypted: m=audio offers no DTLS-SRTP, ZRTP, or SDES over TLS\"",
                    refused.header("warning").orElseThrow(), refused::toString);
            assertTrue(bob.receivesNothing(m -> !m.isResponse() && "INVITE".equals(m.method()), Duration.ofSeconds(1)),
                    "the refused INVITE reached bob");
        }
    }

    private static Properties properties(Path confDir) throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(confDir.resolve(LiaisonConfig.FILE_NAME))) {
            properties.load(in);
        }
        return properties;
    }

    /** A {@code kind} client of {@code user} over TLS (so insisting on SDES-SRTP), playing a {@code hz} tone, registered. */
    private SoftPhone phone(Kind kind, String user, boolean answers, int hz) throws Exception {
        SoftPhone phone = server.add(kind.startPlaying(root, user + "-" + kind, server.account(user), answers, hz));
        assertTrue(phone.awaitRegistered(REGISTRATION), phone::logs);
        return phone;
    }

    private static void assertHeard(SoftPhone listener, int hz, Supplier<String> logs) throws Exception {
        Path recording = listener.heard().orElseThrow(() -> new AssertionError("no recording\n" + logs.get()));
        double seconds = Tone.secondsIn(recording, hz);
        assertTrue(seconds >= 2, () -> recording + " carries " + seconds + " s of " + hz + " Hz\n" + logs.get());
    }
}
