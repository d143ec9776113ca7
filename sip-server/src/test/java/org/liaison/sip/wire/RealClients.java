package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;

/**
 * The real clients of a test, for users of its {@link LiaisonServer} (password USER-secret): started
 * in the test's directory, closed after the test before the server.
 */
final class RealClients {
    static final Duration REGISTRATION = Duration.ofSeconds(15);

    private final LiaisonServer liaison;

    RealClients(LiaisonServer liaison) {
        this.liaison = liaison;
    }

    /**
     * A {@code kind} client of {@code user}, registered. {@code answers}: it answers calls by itself;
     * {@code chatPeer}: whom it chats with (baresip can chat with one peer only), or null.
     */
    SoftPhone registered(SoftPhone.Kind kind, String user, boolean answers, String chatPeer) throws IOException {
        return registered(started(kind, account(user, user + "-secret"), answers, chatPeer));
    }

    /**
     * A linphonec of {@code user}, registered, that publishes its own presence (RFC 3903) whenever its
     * {@code status} command changes it; {@code answers}: it answers calls by itself.
     */
    Linphonec registeredPublishing(String user, boolean answers) throws IOException {
        return registered(liaison.own(Linphonec.publishing(liaison.directory(), user, account(user, user + "-secret"),
                answers)));
    }

    /**
     * liblinphone for {@code user}, registered and publishing, with the {@code status busy} (etc.)
     * command linphonec 5.1 lacks ({@link Linphonec#withStatusCommand}).
     */
    Linphonec registeredWithStatusCommand(String user) throws IOException {
        return registered(liaison.own(Linphonec.withStatusCommand(liaison.directory(), user,
                account(user, user + "-secret"))));
    }

    private static <P extends SoftPhone> P registered(P phone) {
        assertTrue(phone.awaitRegistered(REGISTRATION), phone::logs);
        return phone;
    }

    /** A {@code kind} client for {@code account}, registering in the background. */
    SoftPhone started(SoftPhone.Kind kind, SipAccount account, boolean answers, String chatPeer) throws IOException {
        return liaison.own(kind.start(liaison.directory(), account.user(), account, answers, chatPeer));
    }

    /**
     * How a client of {@code user} reaches the server: over TLS, trusting the server's CA, when the
     * server has a TLS listener (then its calls insist on SRTP); over UDP otherwise.
     */
    SipAccount account(String user, String password) {
        TestServer server = liaison.server();
        return server.tlsPort() == 0
                ? new SipAccount(user, password, TestServer.DOMAIN, server.host(), server.port())
                : new SipAccount(user, password, TestServer.DOMAIN, server.host(), server.tlsPort(),
                        Optional.of(server.dataDir().resolve("ca.pem")));
    }
}
