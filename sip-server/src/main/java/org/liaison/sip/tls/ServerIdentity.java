package org.liaison.sip.tls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * What the server presents in a TLS handshake: its certificate chain (its own certificate first)
 * and that certificate's private key, checked to belong together and to be valid now.
 */
record ServerIdentity(List<X509Certificate> chain, PrivateKey key) {
    ServerIdentity {
        chain = List.copyOf(chain);
    }

    X509Certificate certificate() {
        return chain.get(0);
    }

    Duration validFor(Clock clock) {
        return Duration.between(clock.instant(), certificate().getNotAfter().toInstant());
    }

    /** Reads and checks a PEM chain and key; any problem names the file it is in. */
    static ServerIdentity load(Path chainFile, Path keyFile, Clock clock) throws CertificateProblem {
        return checked(PemFiles.readCertificates(chainFile), chainFile, PemFiles.readPrivateKey(keyFile), keyFile,
                clock);
    }

    /** Reads and checks PEM text holding a chain and its key, kept elsewhere ({@code where} names it in problems). */
    static ServerIdentity parse(String pemText, Path where, Clock clock) throws CertificateProblem {
        return checked(PemFiles.certificates(pemText, where), where, PemFiles.privateKey(pemText, where), where, clock);
    }

    /** The chain and the key as one PEM text: the certificates, then the key. */
    String pemText() throws java.io.IOException {
        List<Object> objects = new java.util.ArrayList<>(chain);
        objects.add(key);
        return PemFiles.text(objects.toArray());
    }

    private static ServerIdentity checked(List<X509Certificate> chain, Path chainFile, PrivateKey key, Path keyFile,
            Clock clock) throws CertificateProblem {
        X509Certificate own = chain.get(0);
        Date now = Date.from(clock.instant());
        try {
            own.checkValidity(now);
        } catch (CertificateExpiredException e) {
            throw new CertificateProblem(chainFile, "the certificate expired on " + own.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new CertificateProblem(chainFile, "the certificate is not valid before "
                    + own.getNotBefore().toInstant());
        }
        if (!belongTogether(key, own)) {
            throw new CertificateProblem(keyFile, "this private key does not match the certificate in " + chainFile);
        }
        return new ServerIdentity(chain, key);
    }

    /** A signature made with the key verifies with the certificate's public key: works for EC, RSA, EdDSA. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = ("liaison " + Instant.now()).getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // e.g. an RSA key against an EC certificate
        }
    }
}
