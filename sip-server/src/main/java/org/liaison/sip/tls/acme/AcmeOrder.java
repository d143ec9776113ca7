package org.liaison.sip.tls.acme;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.liaison.sip.config.AcmeSettings;
import org.liaison.sip.config.IpLiteral;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * One certificate order, RFC 8555 §7.4 from start to end: the account (made on first use, found by its key after),
 * a new order for the names, each authorization proved over HTTP-01 through the {@link Http01Listener} or over
 * TLS-ALPN-01 through the {@link TlsAlpn01Responder} (the first of {@code challenges} the CA offers), the
 * finalization with a CSR for {@code domainKey}, the chain downloaded.
 */
final class AcmeOrder {
    /** How long the CA may take to validate, to issue: pebble takes under a second, Let's Encrypt seconds. */
    private static final Duration PATIENCE = Duration.ofMinutes(2);

    /** Why an order did not end in a certificate, in one line naming the cause. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String why) {
            super(why);
        }
    }

    private final AcmeSettings settings;
    private final Http01Listener http01;
    private final Optional<TlsAlpn01Responder> tlsAlpn01;
    private final List<String> challenges;

    /** {@code challenges}: the challenge types to prove the names by, in order of preference. */
    AcmeOrder(AcmeSettings settings, Http01Listener http01, Optional<TlsAlpn01Responder> tlsAlpn01,
            List<String> challenges) {
        this.settings = settings;
        this.http01 = http01;
        this.tlsAlpn01 = tlsAlpn01;
        this.challenges = challenges;
    }

    /** Orders a certificate for the configured names and {@code domainKey}; its chain, own certificate first. */
    List<X509Certificate> order(KeyPair accountKey, KeyPair domainKey) throws Failed, InterruptedException {
        URI directory = settings.directoryUrl().orElseThrow();
        try {
            Session session = new Session(directory, new Provider(trust()));
            AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
            if (!settings.email().isEmpty()) {
                builder.addEmail(settings.email());
            }
            Account account = builder.create(session);
            Order order = account.newOrder().identifiers(identifiers()).create();
            for (Authorization authorization : order.getAuthorizations()) {
                prove(authorization);
            }
            if (order.waitUntilReady(PATIENCE) != Status.READY) {
                throw new Failed("the CA did not make the order ready: " + problem(order.getError()));
            }
            order.execute(domainKey);
            if (order.waitForCompletion(PATIENCE) != Status.VALID) {
                throw new Failed("the CA refused to issue: " + problem(order.getError()));
            }
            return order.getCertificate().getCertificateChain();
        } catch (AcmeNetworkException e) {
            throw new Failed("the ACME directory " + directory + " is unreachable: " + rootCause(e));
        } catch (AcmeServerException e) {
            throw new Failed("the CA refused the order: " + e.getProblem() + " (" + e.getType() + ")");
        } catch (AcmeException e) {
            throw new Failed("ACME with " + directory + " failed: " + e.getMessage());
        }
    }

    /** The first of {@code challenges} the CA offers for the authorization's name, proved. */
    private void prove(Authorization authorization) throws AcmeException, Failed, InterruptedException {
        if (authorization.getStatus() == Status.VALID) {
            return; // proved recently, for an earlier order
        }
        String name = authorization.getIdentifier().getValue();
        for (String type : challenges) {
            if (type.equals(AcmeSettings.TLS_ALPN_01) && tlsAlpn01.isPresent()) {
                Optional<TlsAlpn01Challenge> challenge = authorization.findChallenge(TlsAlpn01Challenge.class);
                if (challenge.isPresent()) {
                    proveTlsAlpn01(authorization.getIdentifier(), challenge.get());
                    return;
                }
            } else if (type.equals(AcmeSettings.HTTP_01)) {
                Optional<Http01Challenge> challenge = authorization.findChallenge(Http01Challenge.class);
                if (challenge.isPresent()) {
                    proveHttp01(name, challenge.get());
                    return;
                }
            }
        }
        throw new Failed("the CA offers none of the challenges " + challenges + " for " + name);
    }

    /** RFC 8555 §8.3: the CA fetches the token's key authorization from each name, on port 80. */
    private void proveHttp01(String name, Http01Challenge challenge) throws AcmeException, Failed,
            InterruptedException {
        try {
            try {
                http01.publish(challenge.getToken(), challenge.getAuthorization());
            } catch (IOException e) {
                throw new Failed("cannot share the HTTP-01 token with the other nodes: " + e.getMessage());
            }
            validate(name, challenge);
        } finally {
            http01.withdraw(challenge.getToken());
        }
    }

    /** RFC 8737 §3: the CA makes a TLS handshake with the name on port 443, offering only acme-tls/1. */
    private void proveTlsAlpn01(Identifier identifier, TlsAlpn01Challenge challenge) throws AcmeException, Failed,
            InterruptedException {
        try {
            try {
                tlsAlpn01.get().present(identifier, challenge.getAuthorization());
            } catch (IOException e) {
                throw new Failed("cannot answer TLS-ALPN-01 for " + identifier.getValue() + ": " + e.getMessage());
            }
            validate(identifier.getValue() + " over TLS-ALPN-01", challenge);
        } finally {
            tlsAlpn01.get().withdraw(identifier);
        }
    }

    private static void validate(String what, Challenge challenge) throws AcmeException, Failed,
            InterruptedException {
        challenge.trigger();
        if (challenge.waitForCompletion(PATIENCE) != Status.VALID) {
            throw new Failed("validation of " + what + " failed: " + problem(challenge.getError()));
        }
    }

    private List<Identifier> identifiers() {
        List<Identifier> identifiers = new ArrayList<>();
        for (String name : settings.names()) {
            // RFC 8738: an address is an identifier of its own type
            identifiers.add(IpLiteral.parse(name) != null ? Identifier.ip(IpLiteral.parse(name)) : Identifier.dns(name));
        }
        return identifiers;
    }

    private static String problem(Optional<Problem> problem) {
        return problem.map(p -> p + " (" + p.getType() + ")").orElse("no reason given");
    }

    /** What went wrong on the way to the CA, in words: java.net.http reports a refused connection without text. */
    private static String rootCause(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException) {
                return "cannot connect (refused, or no route)";
            }
            if (cause instanceof UnknownHostException) {
                return "unknown host " + cause.getMessage();
            }
            if (cause instanceof SSLHandshakeException) {
                return "its HTTPS certificate is not trusted (" + cause.getMessage()
                        + "; a private ACME CA needs sip.tls.acme.ca-file)";
            }
            if (cause instanceof HttpTimeoutException) {
                return "no answer in time";
            }
        }
        Throwable deepest = e;
        while (deepest.getCause() != null) {
            deepest = deepest.getCause();
        }
        return deepest.getMessage() != null ? deepest.getMessage() : deepest.getClass().getSimpleName();
    }

    /** The roots the ACME server's own HTTPS certificate is checked against: the ca-file, else the JDK's. */
    private SSLContext trust() throws Failed {
        try {
            if (settings.caFile().isEmpty()) {
                return SSLContext.getDefault();
            }
            Path file = settings.caFile().get();
            KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
            roots.load(null, null);
            try (InputStream in = Files.newInputStream(file)) {
                int n = 0;
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    roots.setCertificateEntry("acme-ca-" + n++, certificate);
                }
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(roots);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new Failed("sip.tls.acme.ca-file " + settings.caFile().get() + " is not usable: " + e.getMessage());
        }
    }

    /** acme4j's provider for any directory URL, connecting with {@code tls}'s trust. */
    private static final class Provider extends GenericAcmeProvider {
        private final SSLContext tls;

        Provider(SSLContext tls) {
            this.tls = tls;
        }

        @Override
        protected HttpConnector createHttpConnector(NetworkSettings settings) {
            return new HttpConnector(settings) {
                @Override
                public HttpClient.Builder createClientBuilder() {
                    return super.createClientBuilder().sslContext(tls);
                }
            };
        }
    }
}
