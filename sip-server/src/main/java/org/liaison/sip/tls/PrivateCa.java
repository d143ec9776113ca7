package org.liaison.sip.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own certificate authority, for an admin who gave no certificate: an EC P-256 CA
 * valid ten years, whose certificate clients import ({@code data.dir/ca.pem}), and the server
 * certificates it signs (one year, renewed at start when under 30 days remain or the server's
 * names changed). Keys are files only the server's user can read.
 *
 * <p>The CA is name-constrained (NameConstraints, RFC 5280 §4.2.1.10) to the server's names: the
 * domain and host name with their subdomains, the addresses. A copy of its key, or a user tricked
 * into trusting it, cannot make clients that check constraints (OpenSSL, GnuTLS, Java, browsers)
 * trust a certificate for any other site. The extension is not marked critical, against RFC 5280's
 * MUST: mbedTLS (liblinphone's TLS, 2.x and 3.x) knows no name constraints and refuses a certificate
 * with a critical extension it does not know, which would cut every Linphone off; clients that know
 * the extension enforce it whether critical or not. When the
 * server's names leave those limits (a new address, a new domain), the CA is made anew for the new
 * names and one warning says that clients must import the new {@code ca.pem}: a server certificate
 * outside the limits would be refused by every client that checks them. A subdomain of the domain
 * stays within the limits. A CA made before constraints existed keeps working (phones that trust it
 * need nothing new); the log says once that it is unconstrained.
 */
final class PrivateCa {
    static final String CA_FILE = "ca.pem";
    static final String KEY_DIRECTORY = "tls";
    static final Duration CA_LIFETIME = Duration.ofDays(3650);
    static final Duration SERVER_LIFETIME = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Logger LOG = LoggerFactory.getLogger(PrivateCa.class);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ServerIdentity ca;
    private final Path dataDir;
    private final Clock clock;

    private PrivateCa(ServerIdentity ca, Path dataDir, Clock clock) {
        this.ca = ca;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    /**
     * The CA in {@code dataDir} ({@code ca.pem}, {@code tls/ca-key.pem}), made on first use, or made
     * anew when its name constraints do not cover {@code names}.
     */
    static PrivateCa openOrCreate(Path dataDir, ServerNames names, Clock clock) throws CertificateProblem, IOException {
        Path certificate = dataDir.resolve(CA_FILE);
        Path key = keyDir(dataDir).resolve("ca-key.pem");
        if (!Files.exists(certificate) || !Files.exists(key)) {
            return create(certificate, key, names, dataDir, clock);
        }
        PrivateCa existing = new PrivateCa(ServerIdentity.load(certificate, key, clock), dataDir, clock);
        Optional<NameConstraints> constraints = existing.nameConstraints();
        if (constraints.isEmpty()) {
            LOG.warn("the private CA {} has no name constraints: its key could vouch for any site to clients that"
                    + " trust it; it keeps working (to replace it, delete it and tls/ca-key.pem, then clients import"
                    + " the new one)", certificate);
            return existing;
        }
        if (names.permittedBy(constraints.get())) {
            return existing;
        }
        PrivateCa replaced = create(certificate, key, names, dataDir, clock);
        LOG.warn("the server's names left the private CA's limits, so a new CA was made: clients must import the new"
                + " {} (SHA-256 fingerprint {}) to trust the server", certificate, replaced.fingerprint());
        return replaced;
    }

    private static PrivateCa create(Path certificate, Path key, ServerNames names, Path dataDir, Clock clock)
            throws IOException {
        ServerIdentity ca = newCa(names, clock);
        PemFiles.write(key, PemFiles.OWNER_ONLY, ca.key());
        PemFiles.write(certificate, PemFiles.WORLD_READABLE, ca.certificate());
        LOG.info("created a private certificate authority for {}: {} (clients import it to trust the server)",
                names, certificate);
        return new PrivateCa(ca, dataDir, clock);
    }

    /** A new CA, limited to {@code names}, in memory. */
    static ServerIdentity newCa(ServerNames names, Clock clock) {
        KeyPair pair = newKeyPair();
        X500Name name = new X500Name("CN=Liaison private CA " + HexFormat.of().toHexDigits(RANDOM.nextInt()));
        X509v3CertificateBuilder builder = builder(name, name, pair.getPublic(), CA_LIFETIME, clock);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.nameConstraints, false, names.asNameConstraints());
        } catch (CertIOException e) {
            throw new IllegalStateException(e);
        }
        return new ServerIdentity(List.of(sign(builder, pair)), pair.getPrivate());
    }

    /**
     * A CA kept elsewhere (a cluster's, in Redis), its certificate written to {@code dataDir/ca.pem} for clients; its
     * key stays in memory only.
     */
    static PrivateCa kept(ServerIdentity ca, Path dataDir, Clock clock) throws IOException {
        PemFiles.write(dataDir.resolve(CA_FILE), PemFiles.WORLD_READABLE, ca.certificate());
        return new PrivateCa(ca, dataDir, clock);
    }

    /** The CA certificate's name constraints; empty for a CA made before they existed. */
    Optional<NameConstraints> nameConstraints() {
        byte[] extension = ca.certificate().getExtensionValue(Extension.nameConstraints.getId());
        return extension == null ? Optional.empty()
                : Optional.of(NameConstraints.getInstance(ASN1OctetString.getInstance(extension).getOctets()));
    }

    Path certificateFile() {
        return dataDir.resolve(CA_FILE);
    }

    /** SHA-256 of the CA certificate, as {@code openssl x509 -fingerprint -sha256} prints it. */
    String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server certificate and key files ({@code tls/server.pem}, {@code tls/server-key.pem}). */
    private ServerFiles serverFiles() throws IOException {
        Path dir = keyDir(dataDir);
        return new ServerFiles(dir.resolve("server.pem"), dir.resolve("server-key.pem"));
    }

    record ServerFiles(Path chain, Path key) {
    }

    /**
     * Makes sure the server certificate on disk is one of ours, names {@code names}, and is valid for
     * more than {@link #RENEW_BEFORE}; issues a new one otherwise.
     */
    ServerFiles ensureServerCertificate(ServerNames names) throws IOException, CertificateProblem {
        ServerFiles files = serverFiles();
        if (Files.exists(files.chain()) && Files.exists(files.key())) {
            String renewal;
            try {
                renewal = whyRenew(ServerIdentity.load(files.chain(), files.key(), clock), names);
            } catch (CertificateProblem e) {
                renewal = e.getMessage();
            }
            if (renewal == null) {
                return files;
            }
            LOG.info("issuing a new server certificate: {}", renewal);
        }
        return write(issue(names));
    }

    /** Writes {@code server} as the server certificate and key files, which the key manager follows. */
    ServerFiles write(ServerIdentity server) throws IOException {
        ServerFiles files = serverFiles();
        PemFiles.write(files.key(), PemFiles.OWNER_ONLY, server.key());
        PemFiles.write(files.chain(), PemFiles.WORLD_READABLE, server.chain().toArray());
        return files;
    }

    /** A new server certificate for {@code names}, signed by this CA, with the CA's certificate as its chain. */
    ServerIdentity issue(ServerNames names) {
        KeyPair pair = newKeyPair();
        X509v3CertificateBuilder builder = builder(X500Name.getInstance(ca.certificate().getSubjectX500Principal()
                .getEncoded()), new X500Name("CN=" + names.dnsNames().stream().findFirst().orElse("liaison")),
                pair.getPublic(), SERVER_LIFETIME, clock);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, names.asGeneralNames())
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(ca.certificate()))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(pair.getPublic()));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        X509Certificate cert = sign(builder, new KeyPair(ca.certificate().getPublicKey(), ca.key()));
        return new ServerIdentity(List.of(cert, ca.certificate()), pair.getPrivate());
    }

    /** Why {@code current} must be replaced by a certificate for {@code names}, or null when it is fine. */
    String whyRenew(ServerIdentity current, ServerNames names) {
        if (current.validFor(clock).compareTo(RENEW_BEFORE) < 0) {
            return "the current one expires on " + current.certificate().getNotAfter().toInstant();
        }
        if (!ServerNames.in(current.certificate()).equals(names)) {
            return "the server's names or addresses changed";
        }
        try {
            current.certificate().verify(ca.certificate().getPublicKey());
        } catch (GeneralSecurityException e) {
            return "the current one is not signed by this CA";
        }
        return null;
    }

    private static Path keyDir(Path dataDir) throws IOException {
        Path dir = dataDir.resolve(KEY_DIRECTORY);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return dir;
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key,
            Duration lifetime, Clock clock) {
        // a little in the past: clients whose clocks run slow must not see a certificate from the future
        Instant from = clock.instant().minus(Duration.ofHours(1));
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(from), Date.from(from.plus(lifetime)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate())));
        } catch (OperatorCreationException | java.security.cert.CertificateException e) {
            throw new IllegalStateException("cannot sign a certificate", e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 in this JDK", e);
        }
    }
}
