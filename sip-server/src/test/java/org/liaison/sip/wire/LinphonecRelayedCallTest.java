package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.liaison.sip.testing.TestServer;

/** linphonec calls through the media relay: SRTP, ZRTP and DTLS-SRTP, hold and resume, a user with two devices. */
@Timeout(90)
class LinphonecRelayedCallTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(15);
    private static final Duration SETUP = Duration.ofSeconds(20);
    static final int ALICE_HZ = 1000;
    static final int BOB_HZ = 440;
    /** 2 s of G.711 at 50 packets/s. */
    private static final long TWO_SECONDS = 100;

    @TempDir
    Path root;
    RelayedServer server;

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    /** Keys agreed between the clients on the media path (RFC 6189, RFC 5763): the server may insist on them. */
    @ParameterizedTest
    @ValueSource(strings = {"zrtp", "dtls"})
    void keysAgreedOnTheMediaPathWorkThroughTheRelayUnderMandatoryEncryption(String encryption) throws Exception {
        server = RelayedServer.start(root, "mandatory");
        Linphonec alice = linphonec("alice", ALICE_HZ, false, encryption);
        Linphonec bob = linphonec("bob", BOB_HZ, true, encryption);
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        server.awaitMediaBothWays(connect(alice, bob, encryption, logs), 2 * TWO_SECONDS, SETUP);
        hangUpAndCheckTones(alice, bob, logs);
    }

    @Test
    void linphonecCallsBaresipWithDtlsSrtpUnderMandatoryEncryption() throws Exception {
        server = RelayedServer.start(root, "mandatory");
        Linphonec alice = linphonec("alice", ALICE_HZ, false, "dtls");
        Baresip bob = baresip("bob", "dtls_srtp");
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);
        assertTrue(bob.awaitCallConnected(SETUP), logs);
        assertEquals("DTLS", alice.awaitEncryption(SETUP).orElse(""), logs);
        server.awaitMediaBothWays(server.awaitCall(SETUP), 2 * TWO_SECONDS, SETUP);
        alice.hangUp();
        assertTrue(bob.awaitCallEnded(Duration.ofSeconds(10)), logs);
        assertHeard(alice, bob, logs);
    }

    @Test
    void srtpCallIsHeldAndResumedThroughTheRelay() throws Exception {
        server = RelayedServer.start(root, "optional");
        Linphonec alice = linphonec("alice", ALICE_HZ, false, "srtp");
        Linphonec bob = linphonec("bob", BOB_HZ, true, "srtp");
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        String callId = connect(alice, bob, "srtp", logs);
        server.awaitMediaBothWays(callId, TWO_SECONDS, SETUP);

        // the re-INVITEs (a=sendonly, then a=sendrecv) are offers the relay rewrites like the first
        alice.command("pause");
        assertTrue(alice.awaitOutput("Call \\d+ with .* is now paused", SETUP), logs);
        assertTrue(bob.awaitOutput("Call \\d+ has been paused by ", SETUP), logs);
        alice.command("resume");
        assertTrue(alice.awaitOutput("Resuming call \\d+", SETUP), logs);
        server.awaitMediaBothWays(callId, TWO_SECONDS, SETUP);
        hangUpAndCheckTones(alice, bob, logs);
    }

    @Test
    void callToAUserWithTwoDevicesIsAnsweredOnOneAndTheOtherStopsRinging() throws Exception {
        server = RelayedServer.start(root, "optional");
        Linphonec alice = linphonec("alice", ALICE_HZ, false, "srtp");
        Linphonec bobDesk = linphonec("bob", BOB_HZ, false, "srtp");
        Baresip bobPhone = baresip("bob", "srtp-mand");
        Supplier<String> logs = () -> alice.logs() + bobDesk.logs() + bobPhone.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);
        assertTrue(bobPhone.awaitCallConnected(SETUP), logs);
        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bobDesk.awaitOutput("Call \\d+ with .* ended", SETUP), logs);
        server.awaitMediaBothWays(server.awaitCall(SETUP), 2 * TWO_SECONDS, SETUP);

        alice.hangUp();
        assertTrue(bobPhone.awaitCallEnded(Duration.ofSeconds(10)), logs);
        assertHeard(alice, bobPhone, logs);
    }

    /** Alice's linphonec (once it quits, its recording is complete) and {@code bob} heard each other's tone. */
    static void assertHeard(Linphonec alice, Baresip bob, Supplier<String> logs) throws Exception {
        Path heardByBob = bob.heard().orElseThrow(() -> new AssertionError(logs.get()));
        assertTrue(Tone.secondsIn(heardByBob, ALICE_HZ) >= 2, logs);
        assertTrue(alice.quit(Duration.ofSeconds(10)), logs);
        assertTrue(Tone.secondsIn(alice.heard().orElseThrow(), BOB_HZ) >= 2, logs);
    }

    /** Alice calls Bob, who answers; both negotiated {@code encryption}. Returns the relayed call's Call-ID. */
    private String connect(Linphonec alice, Linphonec bob, String encryption, Supplier<String> logs) {
        alice.call("sip:bob@" + TestServer.DOMAIN);
        assertTrue(alice.awaitCallConnected(SETUP), logs);
        String expected = encryption.toUpperCase(Locale.ROOT);
        assertEquals(expected, alice.awaitEncryption(SETUP).orElse(""), logs);
        assertEquals(expected, bob.awaitEncryption(SETUP).orElse(""), logs);
        return server.awaitCall(SETUP);
    }

    /** Alice hangs up; each side's recording (complete once linphonec quits) holds the other's tone. */
    private void hangUpAndCheckTones(Linphonec alice, Linphonec bob, Supplier<String> logs) throws Exception {
        alice.hangUp();
        assertTrue(bob.awaitCallEnded(Duration.ofSeconds(10)), logs);
        assertTrue(alice.quit(Duration.ofSeconds(10)) & bob.quit(Duration.ofSeconds(10)), logs);
        double aliceHeard = Tone.secondsIn(alice.heard().orElseThrow(), BOB_HZ);
        double bobHeard = Tone.secondsIn(bob.heard().orElseThrow(), ALICE_HZ);
        assertTrue(aliceHeard >= 2 && bobHeard >= 2,
                () -> "alice heard " + aliceHeard + " s of " + BOB_HZ + " Hz, bob " + bobHeard + " s of " + ALICE_HZ
                        + " Hz\n" + logs.get());
    }

    /** A baresip for {@code user} with {@code mediaenc}, auto-answering, its microphone playing {@link #BOB_HZ}. */
    private Baresip baresip(String user, String mediaenc) throws Exception {
        Path microphone = Tone.write(root.resolve(user + "-baresip.wav"), BOB_HZ, Duration.ofSeconds(30), 48000, 2);
        Baresip client = server.add(Baresip.start(root, user + "-baresip", server.account(user), null,
                new Baresip.Media(mediaenc, microphone)));
        assertEquals("ok", client.awaitRegistration(REGISTRATION), client::logs);
        return client;
    }

    private Linphonec linphonec(String user, int hz, boolean autoAnswer, String encryption) throws Exception {
        Linphonec client = Linphonec.start(root, user + "-" + hz, server.account(user), autoAnswer, encryption);
        server.add(client);
        assertEquals("Ok", client.awaitRegistration(REGISTRATION), client::logs);
        Path microphone = Tone.write(root.resolve(user + "-" + hz + ".wav"), hz, Duration.ofSeconds(30), 8000, 1);
        client.useFiles(microphone, root.resolve(user + "-" + hz + "-heard.wav"));
        return client;
    }
}
