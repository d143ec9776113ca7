package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.liaison.sip.testing.TestServer;

/**
 * Every real-client call of {@link RealClientCallTest}, on the shipped policy: signalling over TLS
 * only ({@code sip.tls.required}), the server's certificate checked against the generated
 * {@code ca.pem}, and mandatory SDES-SRTP, whose keys are safe only because the signalling is
 * encrypted.
 */
class RealClientTlsTest extends RealClientCallTest {
    @Override
    TestServer.Builder transports(TestServer.Builder builder) {
        return builder.withTls().property("sip.tls.required", "true");
    }

    @Override
    SipAccount account(String user) {
        return new SipAccount(user, user + "-secret", TestServer.DOMAIN, server.host(), server.tlsPort(),
                Optional.of(server.dataDir().resolve("ca.pem")));
    }

    @Test
    void bothClientsOfferSdesSrtpOverTls() throws Exception {
        Linphonec alice = linphonec("alice", false);
        Baresip bob = baresip("bob");
        Supplier<String> logs = () -> alice.logs() + bob.logs();

        alice.call("sip:bob@" + TestServer.DOMAIN);

        // linphonec's SRTP is mandatory: connected means baresip accepted the SDES offer
        assertTrue(alice.awaitCallConnected(Duration.ofSeconds(20)), logs);
        assertTrue(alice.log().contains("RTP/SAVP") && alice.log().contains("a=crypto:"),
                () -> "linphonec's offer was not SDES-SRTP\n" + logs.get());
        assertTrue(bob.awaitOutput(".*a=crypto:.*", Duration.ofSeconds(5)),
                () -> "baresip never saw the SDES keys\n" + logs.get());
        assertTrue(alice.log().contains("transport=tls") && !alice.log().contains("SIP/2.0/UDP"),
                () -> "linphonec's signalling was not all TLS\n" + logs.get());
    }
}
