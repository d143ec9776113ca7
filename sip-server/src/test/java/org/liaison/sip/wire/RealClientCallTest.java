package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.wire.SoftPhone.Kind;

/**
 * Calls between real clients through the server, every caller × callee pair of client kinds: the
 * call is established on both sides and the hang-up of either side reaches the other. Over UDP the
 * media flow directly between the clients (plain RTP, G.711), so only signalling is under test; over
 * TLS the server runs the shipped policy, signalling over TLS only ({@code sip.tls.required}), the
 * server's certificate checked against the generated {@code ca.pem}, and mandatory SDES-SRTP, whose
 * keys are safe only because the signalling is encrypted.
 */
@Timeout(60)
class RealClientCallTest {
    private static final Duration SETUP = Duration.ofSeconds(20);
    private static final Duration HANG_UP = Duration.ofSeconds(10);

    /** Who ends the call. */
    enum HangsUp { CALLER, CALLEE }

    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.notStarted();
    final RealClients clients = new RealClients(liaison);

    static Stream<Arguments> calls() {
        Stream.Builder<Arguments> calls = Stream.builder();
        for (boolean tls : new boolean[] {false, true}) {
            for (Kind caller : Kind.values()) {
                for (Kind callee : Kind.values()) {
                    for (HangsUp side : HangsUp.values()) {
                        calls.add(Arguments.of(caller, callee, side, tls ? "TLS" : "UDP"));
                    }
                }
            }
        }
        return calls.build();
    }

    @ParameterizedTest(name = "{0} calls {1} over {3}, the {2} hangs up")
    @MethodSource("calls")
    void theCallIsEstablishedOnBothSidesAndTheHangUpReachesTheOtherSide(Kind caller, Kind callee, HangsUp side,
            String transport) throws Exception {
        // the shipped digest settings (SHA-256 and MD5; MD5 alone for baresip)
        TestServer.Builder server = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002");
        liaison.start("TLS".equals(transport) ? server.withTls().property("sip.tls.required", "true") : server);
        SoftPhone alice = clients.registered(caller, "alice", false, null);
        SoftPhone bob = clients.registered(callee, "bob", true, null);
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);

        assertTrue(alice.awaitCallConnected(SETUP), logs);
        assertTrue(bob.awaitCallConnected(SETUP), logs);
        SoftPhone hangingUp = side == HangsUp.CALLER ? alice : bob;
        SoftPhone other = side == HangsUp.CALLER ? bob : alice;
        String otherAor = "sip:" + (side == HangsUp.CALLER ? "bob" : "alice") + "@" + TestServer.DOMAIN;
        hangingUp.hangUp();
        assertTrue(other.awaitCallEnded(HANG_UP), () -> "the " + side + "'s hang-up was not seen\n" + logs.get());
        if (other instanceof Linphonec) {
            // linphonec uses its GRUU as Contact (RFC 5627): the BYE's Request-URI is a GRUU of our
            // domain that the server must resolve to the device (the ACK's too)
            assertTrue(hangingUp.sipLog().contains("BYE " + otherAor + ";gr="),
                    () -> "the BYE was not sent to the GRUU: this test proves nothing then\n" + logs.get());
        }
        if ("TLS".equals(transport)) {
            for (SoftPhone phone : new SoftPhone[] {alice, bob}) {
                // SRTP is mandatory for both: established means each accepted the other's SDES offer
                assertTrue(phone.sipLog().contains("RTP/SAVP") && phone.sipLog().contains("a=crypto:"),
                        () -> "no SDES-SRTP offer or answer\n" + logs.get());
                assertTrue(phone.sipLog().contains("transport=tls") && !phone.sipLog().contains("SIP/2.0/UDP"),
                        () -> "the signalling was not all TLS\n" + logs.get());
            }
        }
    }
}
