package org.liaison.provisioning.onboarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.enrolment.EnrolmentTokens;
import org.liaison.provisioning.enrolment.Redemption;
import org.liaison.provisioning.http.TestAccounts;

class OnboardingTest {
    private static final String BASE = "https://sip.example.org:8443";

    @TempDir
    Path dir;

    private static String decode(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(image))))
                .getText();
    }

    @Test
    void eachUserGetsAQrCodeOfTheirOneTimeLinphoneConfigLinkAndAPageWithoutPassword() throws Exception {
        AccountSnapshot accounts = TestAccounts.load(dir);
        EnrolmentTokens tokens = new EnrolmentTokens(dir, Duration.ofHours(72), Clock.systemUTC());
        Onboarding onboarding = new Onboarding(tokens, new ClientUrls(URI.create(BASE)), TestAccounts.DOMAIN, false);

        List<Onboarding.Written> written = onboarding.write(accounts.all(), dir.resolve("out"));

        assertEquals(3, written.size());
        Onboarding.Written alice = written.get(0);
        String link = decode(alice.qrCode());
        assertTrue(link.startsWith("linphone-config:" + BASE + "/p/"), link);
        String token = link.substring(("linphone-config:" + BASE + "/p/").length());
        String page = Files.readString(alice.page());
        assertTrue(page.contains("Alice Martin"), page);
        assertTrue(page.contains("sip:alice@example.org"), page);
        assertTrue(page.contains(link), "the link is printed too");
        assertFalse(page.contains(TestAccounts.password("alice")), "no password on the page");
        assertEquals(new Redemption.Accepted("alice"), tokens.redeem(token), "the QR code's token enrols alice");
        assertTrue(decode(written.get(1).qrCode()).startsWith("linphone-config:" + BASE + "/p/"));
    }

    @Test
    void withAPublicCertificateThePageHasNoStepInstallingTheCa() throws Exception {
        AccountSnapshot accounts = TestAccounts.load(dir);
        List<Account> alice = List.of(accounts.byUsername("alice").orElseThrow());
        EnrolmentTokens tokens = new EnrolmentTokens(dir, Duration.ofHours(1), Clock.systemUTC());
        String privateCa = Files.readString(new Onboarding(tokens, new ClientUrls(URI.create(BASE)),
                TestAccounts.DOMAIN, false).write(alice, dir.resolve("private")).get(0).page());
        String publicCertificate = Files.readString(new Onboarding(tokens, new ClientUrls(URI.create(BASE)),
                TestAccounts.DOMAIN, true).write(alice, dir.resolve("public")).get(0).page());

        assertTrue(privateCa.contains(BASE + "/ca.pem"), privateCa);
        assertFalse(publicCertificate.contains("ca.pem"), publicCertificate);
        assertFalse(publicCertificate.contains("certificate"), publicCertificate);
    }

    @Test
    void namesOnThePageAreEscaped() throws Exception {
        AccountSnapshot accounts = TestAccounts.load(dir);
        Onboarding onboarding = new Onboarding(new EnrolmentTokens(dir, Duration.ofHours(1), Clock.systemUTC()),
                new ClientUrls(URI.create(BASE)), TestAccounts.DOMAIN, false);
        Path page = onboarding.write(List.of(accounts.byUsername("bob").orElseThrow()), dir.resolve("out"))
                .get(0).page();
        assertTrue(Files.readString(page).contains("Bob &quot;Bobby&quot; Durand"));
    }

    @Test
    void theFilesHoldingLinksAreOwnerOnlyEvenOverAnEarlierRunsWorldReadableFiles() throws Exception {
        AccountSnapshot accounts = TestAccounts.load(dir);
        Onboarding onboarding = new Onboarding(new EnrolmentTokens(dir, Duration.ofHours(1), Clock.systemUTC()),
                new ClientUrls(URI.create(BASE)), TestAccounts.DOMAIN, false);
        Path out = dir.resolve("new").resolve("out");
        Files.createDirectories(out.getParent());
        Files.writeString(Files.createDirectory(dir.resolve("existing")).resolve("alice.html"), "old");
        Files.setPosixFilePermissions(dir.resolve("existing").resolve("alice.html"),
                PosixFilePermissions.fromString("rw-r--r--"));

        for (Path outDir : List.of(out, dir.resolve("existing"))) {
            for (Onboarding.Written w : onboarding.write(accounts.all(), outDir)) {
                for (Path file : List.of(w.page(), w.qrCode())) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                            file.toString());
                }
            }
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        try (var left = Files.list(dir.resolve("existing"))) {
            assertEquals(List.of(), left.filter(f -> f.toString().endsWith(".tmp")).toList(), "no temp files left");
        }
    }
}
