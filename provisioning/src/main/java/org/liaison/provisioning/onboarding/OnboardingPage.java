package org.liaison.provisioning.onboarding;

import java.util.Base64;
import java.util.Optional;
import org.liaison.provisioning.Account;

/**
 * The printable page an admin hands to a new user: who they are, their SIP address, the QR code
 * (embedded, so the page is one file) and the link, and what to do with them. No password: the
 * link carries the credentials once.
 */
final class OnboardingPage {
    private OnboardingPage() {
    }

    /** {@code caUrl}: where the private CA is, for phones to install; empty when every phone trusts the server. */
    static String html(Account account, String sipAddress, String link, byte[] qrPng, String expires,
            Optional<String> caUrl) {
        String name = account.displayName().isBlank() ? account.username() : account.displayName();
        String qr = "data:image/png;base64," + Base64.getEncoder().encodeToString(qrPng);
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<title>Phone setup for " + escape(name) + "</title>\n"
                + "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto}"
                + "code{word-break:break-all}img{width:12cm;max-width:100%}</style>\n"
                + "</head>\n<body>\n"
                + "<h1>Phone setup for " + escape(name) + "</h1>\n"
                + "<p>Your address: <strong>" + escape(sipAddress) + "</strong>"
                + account.extension().map(e -> " &middot; extension <strong>" + escape(e) + "</strong>").orElse("")
                + "</p>\n"
                + "<p><img src=\"" + qr + "\" alt=\"QR code of your setup link\"></p>\n"
                + "<ol>\n"
                + "<li>Install <strong>Linphone</strong> on your phone or computer.</li>\n"
                + "<li>In Linphone choose <em>Assistant &rarr; Fetch remote configuration</em> (or <em>Scan QR code</em>)"
                + " and scan the code above, or open this link on the device:<br><code>" + escape(link)
                + "</code></li>\n"
                + "<li>Linphone signs you in; nothing else to type. Everyone in the organisation is in its contacts.</li>\n"
                + "</ol>\n"
                + "<p>The link works <strong>once</strong>, until " + escape(expires) + ". Keep this page private"
                + " until you have used it; if it has expired or was used by someone else, ask for a new one.</p>\n"
                + caUrl.map(url -> "<p>If Linphone says the server is not trusted, first install the organisation's"
                        + " certificate: <code>" + escape(url) + "</code></p>\n").orElse("")
                + "</body>\n</html>\n";
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
