package org.liaison.sip.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.config.TlsSettings;
import org.liaison.im.MutableClock;

/**
 * The private CA is name-constrained to the server's names: what it issues for the server passes
 * Java's PKIX and OpenSSL, and a certificate for any other site made with its key fails both, as
 * it would in a phone that trusts the CA.
 */
class PrivateCaConstraintsTest {
    private static final TlsSettings OWN_CA = new TlsSettings(Optional.empty(), Optional.empty(), true);
    private static final String NAME_CONSTRAINTS = "2.5.29.30";

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.now());

    private TlsCredentials open(String... addresses) throws Exception {
        List<InetAddress> ips = new java.util.ArrayList<>();
        for (String a : addresses) {
            ips.add(InetAddress.getByName(a));
        }
        return TlsCredentials.open(OWN_CA, "example.org", ips, dataDir, clock);
    }

    private X509Certificate ca() throws Exception {
        return PemFiles.readCertificates(dataDir.resolve("ca.pem")).get(0);
    }

    private X509Certificate server() throws Exception {
        return PemFiles.readCertificates(dataDir.resolve("tls/server.pem")).get(0);
    }

    /**
     * Java's PKIX on the chain the server presents (leaf, CA) with the CA as anchor. Java does not
     * apply an anchor's own constraints, but does those of the CA certificate in the path, as a
     * phone given this chain does.
     */
    private static void pkixValidate(X509Certificate leaf, X509Certificate ca) throws Exception {
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf, ca)), parameters);
    }

    /** {@code openssl verify}'s output for {@code leaf} under {@code ca.pem}; its exit status says OK or not. */
    private String opensslVerify(X509Certificate leaf) throws Exception {
        Path leafPem = dataDir.resolve("leaf-" + leaf.getSerialNumber() + ".pem");
        PemFiles.write(leafPem, PemFiles.WORLD_READABLE, leaf);
        Path output = dataDir.resolve("openssl.out");
        Process openssl = new ProcessBuilder("openssl", "verify", "-purpose", "sslserver", "-CAfile",
                dataDir.resolve("ca.pem").toString(), leafPem.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS), "openssl verify did not finish");
        return openssl.exitValue() + " " + Files.readString(output);
    }

    /** What a thief of {@code tls/ca-key.pem} would make: a certificate for another site. */
    private X509Certificate forgedWithTheCaKey(GeneralName... names) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair site = generator.generateKeyPair();
        PrivateKey caKey = PemFiles.readPrivateKey(dataDir.resolve("tls/ca-key.pem"));
        Instant now = clock.instant();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                X500Name.getInstance(ca().getSubjectX500Principal().getEncoded()), BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(30))), new X500Name("CN=forged"),
                site.getPublic())
                .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
    }

    @Test
    void theCaIsConstrainedAndItsServerCertificatePassesJavaPkixAndOpenssl() throws Exception {
        open("192.0.2.10", "2001:db8::10");
        assertTrue(ca().getNonCriticalExtensionOIDs().contains(NAME_CONSTRAINTS),
                "NameConstraints, not critical: mbedTLS (Linphone) refuses a critical extension it does not know");
        pkixValidate(server(), ca());
        String verdict = opensslVerify(server());
        assertTrue(verdict.startsWith("0 ") && verdict.contains(": OK"), verdict);
    }

    @Test
    void aCertificateForAnotherSiteMadeWithTheCaKeyFailsJavaPkixAndOpenssl() throws Exception {
        open("192.0.2.10");
        for (GeneralName other : List.of(new GeneralName(GeneralName.dNSName, "www.bank.example"),
                new GeneralName(GeneralName.dNSName, "example.org.attacker.example"),
                new GeneralName(GeneralName.iPAddress, "203.0.113.5"))) {
            X509Certificate forged = forgedWithTheCaKey(other);
            assertThrows(CertPathValidatorException.class, () -> pkixValidate(forged, ca()), other.toString());
            String verdict = opensslVerify(forged);
            assertFalse(verdict.startsWith("0 "), other + ": " + verdict);
            assertTrue(verdict.contains("subtree violation"), verdict);
        }
        X509Certificate subdomain = forgedWithTheCaKey(new GeneralName(GeneralName.dNSName, "sip.example.org"));
        pkixValidate(subdomain, ca()); // within the domain: the limit is the domain, not one host
    }

    @Test
    void aNewAddressRemakesTheCaWithLimitsCoveringItAndTheNewCertificateValidates() throws Exception {
        open("192.0.2.10");
        X509Certificate first = ca();
        open("192.0.2.99");
        assertNotEquals(first, ca(), "the old CA's limits exclude the new address");
        assertTrue(ServerNames.in(server()).addresses().contains(InetAddress.getByName("192.0.2.99")));
        pkixValidate(server(), ca());
        assertTrue(opensslVerify(server()).startsWith("0 "));

        open("192.0.2.99");
        assertEquals(ca(), PemFiles.readCertificates(dataDir.resolve("ca.pem")).get(0));
    }

    @Test
    void aCaMadeBeforeConstraintsKeepsWorkingWhenNamesChange() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        X500Name name = new X500Name("CN=Liaison private CA 0000abcd");
        Instant now = clock.instant();
        X509Certificate unconstrained = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                name, BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(3650))), name,
                pair.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        Files.createDirectories(dataDir.resolve("tls"));
        PemFiles.write(dataDir.resolve("tls/ca-key.pem"), PemFiles.OWNER_ONLY, pair.getPrivate());
        PemFiles.write(dataDir.resolve("ca.pem"), PemFiles.WORLD_READABLE, unconstrained);

        open("192.0.2.10");
        open("192.0.2.99");
        assertEquals(unconstrained, ca(), "phones that trust the old CA need nothing new");
        server().verify(unconstrained.getPublicKey());
        assertTrue(ServerNames.in(server()).addresses().contains(InetAddress.getByName("192.0.2.99")));
    }
}
