package org.liaison.provisioning.onboarding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.enrolment.EnrolmentTokenStore;

/**
 * {@code bin/liaison onboarding}: for each user a fresh enrolment link, its QR code
 * ({@code USER.png}) and a printable page ({@code USER.html}). A new link replaces the user's older
 * unused ones. The files carry a credential until the link is used, so they are owner-only (0600)
 * from their first byte, in a directory made owner-only (0700) when this command creates it; an
 * existing directory keeps the permissions its owner gave it.
 */
public final class Onboarding {
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final EnrolmentTokenStore tokens;
    private final ClientUrls urls;
    private final String domain;
    private final boolean publicCertificate;

    /**
     * {@code publicCertificate}: the server presents a certificate phones already trust (from an ACME CA, issue 15),
     * so the pages have no step installing a CA; otherwise they point to the private CA ({@code /ca.pem}).
     */
    public Onboarding(EnrolmentTokenStore tokens, ClientUrls urls, String domain, boolean publicCertificate) {
        this.tokens = tokens;
        this.urls = urls;
        this.domain = domain;
        this.publicCertificate = publicCertificate;
    }

    /** What was written for one user. */
    public record Written(String username, Path qrCode, Path page) {
    }

    /** Writes the QR code and page of each of {@code accounts} into {@code outDir} (created if needed). */
    public List<Written> write(Collection<Account> accounts, Path outDir) throws IOException {
        if (!Files.isDirectory(outDir)) {
            Files.createDirectories(outDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                    "rwx------")));
        }
        List<Written> written = new ArrayList<>();
        Map<String, EnrolmentTokenStore.Issued> links = tokens.issueAll(accounts.stream().map(Account::username).toList());
        for (Account account : accounts) {
            EnrolmentTokenStore.Issued issued = links.get(account.username());
            String link = ClientUrls.linphoneConfigLink(urls.enrolment(issued.token()));
            byte[] png = QrCode.png(link);
            Path qr = outDir.resolve(account.username() + ".png");
            Path page = outDir.resolve(account.username() + ".html");
            writeOwnerOnly(qr, png);
            writeOwnerOnly(page, OnboardingPage.html(account, "sip:" + account.username() + "@" + domain, link, png,
                    EXPIRY.format(issued.expires()), publicCertificate ? Optional.empty()
                            : Optional.of(urls.caCertificate())).getBytes(StandardCharsets.UTF_8));
            written.add(new Written(account.username(), qr, page));
        }
        return written;
    }

    /**
     * Writes a new 0600 file beside {@code target} and renames it over the target: a file of an
     * earlier run, whatever its permissions, is replaced rather than rewritten in place.
     */
    private static void writeOwnerOnly(Path target, byte[] content) throws IOException {
        Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, content);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
