package org.liaison.sip.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.config.TlsSettings;
import org.liaison.im.MutableClock;

/** The server's certificates: made by its private CA, or the admin's PEM files, checked and reloaded. */
class TlsCredentialsTest {
    private static final TlsSettings OWN_CA = new TlsSettings(Optional.empty(), Optional.empty(), true);
    private static final Instant START = Instant.parse("2026-01-10T12:00:00Z");

    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(START);

    private TlsCredentials openOwnCa() throws Exception {
        return TlsCredentials.open(OWN_CA, "example.org",
                List.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("2001:db8::10")), dataDir, clock);
    }

    private X509Certificate presented(TlsCredentials tls) {
        X509KeyManager keys = tls.keyManager();
        return keys.getCertificateChain(keys.chooseServerAlias("EC", null, null))[0];
    }

    @Test
    void firstStartMakesACaAndAServerCertificateNamingTheDomainHostAndEveryAddress() throws Exception {
        TlsCredentials tls = openOwnCa();
        X509Certificate server = presented(tls);
        ServerNames names = ServerNames.in(server);
        assertTrue(names.dnsNames().contains("example.org"), names.toString());
        assertTrue(names.dnsNames().contains(InetAddress.getLocalHost().getHostName().toLowerCase()), names.toString());
        assertEquals(Set.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("2001:db8::10")),
                names.addresses());
        assertEquals(Duration.ofDays(365), Duration.between(server.getNotBefore().toInstant(),
                server.getNotAfter().toInstant()));

        X509Certificate ca = readCertificate(tls.caCertificate().orElseThrow());
        assertEquals(dataDir.resolve("ca.pem"), tls.caCertificate().orElseThrow());
        assertEquals(Duration.ofDays(3650), Duration.between(ca.getNotBefore().toInstant(), ca.getNotAfter().toInstant()));
        assertTrue(ca.getBasicConstraints() >= 0, "ca.pem is no CA certificate");
        server.verify(ca.getPublicKey()); // throws unless the CA signed it
        assertEquals("EC", ca.getPublicKey().getAlgorithm());
    }

    @Test
    void privateKeysAreReadableByTheServersUserOnly() throws Exception {
        openOwnCa();
        for (String key : List.of("tls/ca-key.pem", "tls/server-key.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(key))),
                    key);
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("ca.pem"))));
    }

    @Test
    void fingerprintIsTheSha256OfTheCaCertificate() throws Exception {
        openOwnCa();
        PrivateCa ca = PrivateCa.openOrCreate(dataDir, ServerNames.of("example.org", InetAddress.getLocalHost()
                .getHostName(), List.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("2001:db8::10"))),
                clock);
        byte[] der = readCertificate(dataDir.resolve("ca.pem")).getEncoded();
        String expected = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        assertEquals(expected, ca.fingerprint());
        assertEquals(32 * 3 - 1, ca.fingerprint().length());
    }

    @Test
    void aRestartKeepsTheCertificatesAndRenewsTheServerOneWhenUnder30DaysRemain() throws Exception {
        X509Certificate first = presented(openOwnCa());
        X509Certificate ca = readCertificate(dataDir.resolve("ca.pem"));
        assertEquals(first, presented(openOwnCa()));

        clock.advance(Duration.ofDays(330)); // 35 days left: kept
        assertEquals(first, presented(openOwnCa()));
        clock.advance(Duration.ofDays(10)); // 25 days left: renewed, by the same CA
        X509Certificate renewed = presented(openOwnCa());
        assertNotEquals(first.getSerialNumber(), renewed.getSerialNumber());
        assertEquals(ca, readCertificate(dataDir.resolve("ca.pem")));
        renewed.verify(ca.getPublicKey());
    }

    @Test
    void aNewListeningAddressGetsANewServerCertificate() throws Exception {
        X509Certificate first = presented(openOwnCa());
        TlsCredentials moved = TlsCredentials.open(OWN_CA, "example.org", List.of(InetAddress.getByName("192.0.2.99")),
                dataDir, clock);
        assertNotEquals(first, presented(moved));
        assertTrue(ServerNames.in(presented(moved)).addresses().contains(InetAddress.getByName("192.0.2.99")));
    }

    @Test
    void adminCertificateIsServedAndNoCaIsOffered() throws Exception {
        AdminFiles admin = adminFiles("admin", clock);
        TlsCredentials tls = TlsCredentials.open(admin.settings(), "example.org", List.of(), dataDir, clock);
        assertEquals(PemFiles.readCertificates(admin.chain()).get(0), presented(tls));
        assertEquals(Optional.empty(), tls.caCertificate());
        assertTrue(Files.notExists(dataDir.resolve("ca.pem")), "made a CA although the admin gave a certificate");
    }

    /** What another node's certificate may chain up to over TLS between nodes, besides the JVM's CAs. */
    @Test
    void theOtherNodesChainUpToTheServersOwnCaOrToTheSelfSignedCertificateEndingTheAdminsChain() throws Exception {
        TlsCredentials ownCa = openOwnCa();
        assertEquals(List.of(readCertificate(dataDir.resolve("ca.pem"))), ownCa.clusterAnchors());

        AdminFiles admin = adminFiles("admin", clock);
        List<X509Certificate> chain = PemFiles.readCertificates(admin.chain());
        assertEquals(List.of(chain.get(chain.size() - 1)),
                TlsCredentials.open(admin.settings(), "example.org", List.of(), dataDir.resolve("a"), clock)
                        .clusterAnchors(), "the admin's CA, which ends the chain file");

        Path leafOnly = dataDir.resolve("leaf-only.pem");
        Files.writeString(leafOnly, PemFiles.text(chain.get(0)));
        TlsSettings belowAnotherCa = new TlsSettings(Optional.of(leafOnly), Optional.of(admin.key()), false);
        assertEquals(List.of(), TlsCredentials.open(belowAnotherCa, "example.org", List.of(), dataDir.resolve("b"),
                clock).clusterAnchors(), "a chain ending below a CA it does not carry: the JVM's CAs must vouch");
    }

    @Test
    void anExpiredCertificateStopsStartupNamingTheFile() throws Exception {
        AdminFiles admin = adminFiles("old", new MutableClock(START.minus(Duration.ofDays(400))));
        CertificateProblem problem = assertThrows(CertificateProblem.class,
                () -> TlsCredentials.open(admin.settings(), "example.org", List.of(), dataDir, clock));
        assertTrue(problem.getMessage().startsWith(admin.chain() + ": the certificate expired"), problem.getMessage());
    }

    @Test
    void aCertificateNotYetValidStopsStartup() throws Exception {
        AdminFiles admin = adminFiles("future", new MutableClock(START.plus(Duration.ofDays(2))));
        CertificateProblem problem = assertThrows(CertificateProblem.class,
                () -> TlsCredentials.open(admin.settings(), "example.org", List.of(), dataDir, clock));
        assertTrue(problem.getMessage().startsWith(admin.chain() + ": the certificate is not valid before"),
                problem.getMessage());
    }

    @Test
    void aKeyOfAnotherCertificateStopsStartupNamingTheKeyFile() throws Exception {
        AdminFiles one = adminFiles("one", clock);
        AdminFiles other = adminFiles("other", clock);
        TlsSettings mixed = new TlsSettings(Optional.of(one.chain()), Optional.of(other.key()), false);
        CertificateProblem problem = assertThrows(CertificateProblem.class,
                () -> TlsCredentials.open(mixed, "example.org", List.of(), dataDir, clock));
        assertTrue(problem.getMessage().startsWith(other.key() + ": this private key does not match"), problem.getMessage());
    }

    @Test
    void anUnreadablePemStopsStartupNamingTheFile() throws Exception {
        AdminFiles admin = adminFiles("garbled", clock);
        Files.writeString(admin.chain(), "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
        CertificateProblem problem = assertThrows(CertificateProblem.class,
                () -> TlsCredentials.open(admin.settings(), "example.org", List.of(), dataDir, clock));
        assertTrue(problem.getMessage().startsWith(admin.chain() + ": "), problem.getMessage());

        Files.delete(admin.key());
        problem = assertThrows(CertificateProblem.class,
                () -> ServerIdentity.load(adminFiles("fine", clock).chain(), admin.key(), clock));
        assertEquals(admin.key() + ": no such file", problem.getMessage());
    }

    @Test
    void aReplacedCertificateIsPresentedWithoutRestart() throws Exception {
        AdminFiles admin = adminFiles("live", clock);
        TlsCredentials tls = TlsCredentials.open(admin.settings(), "example.org", List.of(), dataDir, clock);
        X509Certificate before = presented(tls);

        AdminFiles renewed = adminFiles("renewed", clock);
        Files.copy(renewed.chain(), admin.chain(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.key(), admin.key(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        touchLater(admin.chain(), admin.key());
        assertEquals(before, presented(tls), "files are looked at once per check interval only");
        clock.advance(ReloadingKeyManager.CHECK_INTERVAL);
        X509Certificate after = presented(tls);
        assertEquals(PemFiles.readCertificates(renewed.chain()).get(0), after);
        assertNotEquals(before, after);
    }

    @Test
    void aBrokenReplacementLeavesThePreviousCertificateServing() throws Exception {
        AdminFiles admin = adminFiles("kept", clock);
        TlsCredentials tls = TlsCredentials.open(admin.settings(), "example.org", List.of(), dataDir, clock);
        X509Certificate before = presented(tls);
        // the certificate replaced, its key not yet: the pair does not match
        Files.copy(adminFiles("half", clock).chain(), admin.chain(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        touchLater(admin.chain());
        clock.advance(ReloadingKeyManager.CHECK_INTERVAL);
        assertEquals(before, presented(tls));
    }

    /** A certificate chain and key as an admin would give them, issued by a CA of their own. */
    private record AdminFiles(Path chain, Path key) {
        TlsSettings settings() {
            return new TlsSettings(Optional.of(chain), Optional.of(key), false);
        }
    }

    private AdminFiles adminFiles(String name, MutableClock issuedAt) throws Exception {
        Path dir = Files.createDirectories(dataDir.resolve("admin-" + name));
        ServerNames names = ServerNames.of("sip.example.org", "", List.of());
        PrivateCa.ServerFiles files = PrivateCa.openOrCreate(dir, names, issuedAt).ensureServerCertificate(names);
        return new AdminFiles(files.chain(), files.key());
    }

    /** Modification times a second apart, as a later write gives them even on coarse file systems. */
    private static void touchLater(Path... files) throws Exception {
        for (Path f : files) {
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(
                    Files.getLastModifiedTime(f).toInstant().plusSeconds(1)));
        }
    }

    private static X509Certificate readCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
