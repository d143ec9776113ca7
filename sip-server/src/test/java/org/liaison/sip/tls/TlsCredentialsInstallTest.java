package org.liaison.sip.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.MutableClock;
import org.liaison.sip.config.TlsSettings;

/** A certificate from elsewhere (the ACME CA) taking over from the private CA's, at once, without a restart. */
class TlsCredentialsInstallTest {
    @TempDir
    Path dataDir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-10T12:00:00Z"));

    private TlsCredentials openOwnCa() throws Exception {
        return TlsCredentials.open(new TlsSettings(Optional.empty(), Optional.empty(), false), "example.org",
                List.of(InetAddress.getByName("192.0.2.10")), dataDir, clock);
    }

    @Test
    void anInstalledChainIsPresentedFromTheNextHandshakeAndKeptOwnerOnly() throws Exception {
        TlsCredentials tls = openOwnCa();
        ServerIdentity other = PrivateCa.openOrCreate(dataDir.resolve("other"), ServerNames.of("example.org", "",
                List.of()), clock).issue(ServerNames.of("example.org", "", List.of()));
        Path chain = Files.createDirectories(dataDir.resolve("acme")).resolve("certificate.pem");
        Path key = dataDir.resolve("acme").resolve("certificate-key.pem");

        tls.install(other.chain(), other.key(), chain, key);

        assertEquals(other.certificate(), tls.certificate());
        for (Path file : List.of(chain, key)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void aChainWhoseKeyDoesNotMatchIsRefusedBeforeAnythingIsWrittenAndTheCurrentOneKeepsServing() throws Exception {
        TlsCredentials tls = openOwnCa();
        ServerNames names = ServerNames.of("example.org", "", List.of());
        PrivateCa other = PrivateCa.openOrCreate(dataDir.resolve("other"), names, clock);
        ServerIdentity one = other.issue(names);
        ServerIdentity two = other.issue(names);
        Path chain = dataDir.resolve("certificate.pem");
        X509Certificate before = tls.certificate();

        CertificateProblem refused = assertThrows(CertificateProblem.class,
                () -> tls.install(one.chain(), two.key(), chain, dataDir.resolve("certificate-key.pem")));

        assertTrue(refused.getMessage().contains("does not match"), refused.getMessage());
        assertFalse(Files.exists(chain));
        assertEquals(before, tls.certificate());
    }
}
