package org.liaison.provisioning.onboarding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.client.ClientUrls;
import org.liaison.provisioning.enrolment.EnrolmentTokens;

/**
 * {@code bin/liaison onboarding}: for each user a fresh enrolment link, its QR code
 * ({@code USER.png}) and a printable page ({@code USER.html}). Issuing a new link does not revoke
 * an older one; each works once until it expires.
 */
public final class Onboarding {
    private static final DateTimeFormatter EXPIRY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final EnrolmentTokens tokens;
    private final ClientUrls urls;
    private final String domain;

    public Onboarding(EnrolmentTokens tokens, ClientUrls urls, String domain) {
        this.tokens = tokens;
        this.urls = urls;
        this.domain = domain;
    }

    /** What was written for one user. */
    public record Written(String username, Path qrCode, Path page) {
    }

    /** Writes the QR code and page of each of {@code accounts} into {@code outDir} (created if needed). */
    public List<Written> write(Collection<Account> accounts, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        List<Written> written = new ArrayList<>();
        Map<String, EnrolmentTokens.Issued> links = tokens.issueAll(accounts.stream().map(Account::username).toList());
        for (Account account : accounts) {
            EnrolmentTokens.Issued issued = links.get(account.username());
            String link = ClientUrls.linphoneConfigLink(urls.enrolment(issued.token()));
            byte[] png = QrCode.png(link);
            Path qr = outDir.resolve(account.username() + ".png");
            Path page = outDir.resolve(account.username() + ".html");
            Files.write(qr, png);
            Files.writeString(page, OnboardingPage.html(account, "sip:" + account.username() + "@" + domain, link, png,
                    EXPIRY.format(issued.expires()), urls.caCertificate()), StandardCharsets.UTF_8);
            written.add(new Written(account.username(), qr, page));
        }
        return written;
    }
}
