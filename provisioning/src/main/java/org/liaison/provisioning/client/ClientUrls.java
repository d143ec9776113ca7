package org.liaison.provisioning.client;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The URLs the provisioning service answers and hands out, all under the public base URL
 * ({@code http.public-url}). Paths are fixed here so that the service, the Linphone XML and the
 * onboarding outputs cannot disagree.
 */
public final class ClientUrls {
    /** One-time enrolment: {@code /p/TOKEN}. */
    public static final String ENROL_PREFIX = "/p/";
    /** Digest-authenticated refresh of a user's Linphone configuration: {@code /config/USER}. */
    public static final String CONFIG_PREFIX = "/config/";
    /** The organisation's directory as a vCard 4 list. */
    public static final String DIRECTORY_VCARDS = "/directory.vcf";
    /** The directory as Yealink and Cisco remote phonebooks. */
    public static final String YEALINK_DIRECTORY = "/directory/yealink.xml";
    public static final String CISCO_DIRECTORY = "/directory/cisco.xml";
    /** The CA that signs the server's certificates, when it is the organisation's own. */
    public static final String CA_CERTIFICATE = "/ca.pem";
    /** Linphone's {@code file_transfer_server_url}: digest-signed uploads of files shared in chats. */
    public static final String FILES = "/files";
    /** A shared file's download link: {@code /files/TOKEN}, the token being the capability. */
    public static final String FILES_PREFIX = FILES + "/";

    private final String base;

    /** {@code publicUrl} is e.g. {@code https://sip.example.org:8443}; a trailing slash is ignored. */
    public ClientUrls(URI publicUrl) {
        String text = publicUrl.toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    public String enrolment(String token) {
        return base + ENROL_PREFIX + token;
    }

    public String config(String username) {
        return base + CONFIG_PREFIX + URLEncoder.encode(username, StandardCharsets.UTF_8);
    }

    public String directoryVcards() {
        return base + DIRECTORY_VCARDS;
    }

    public String yealinkDirectory() {
        return base + YEALINK_DIRECTORY;
    }

    /** Page {@code page} of the Cisco XML directory, keeping the search. */
    public String ciscoDirectoryPage(int page, Optional<String> query) {
        return base + CISCO_DIRECTORY + "?page=" + page
                + query.map(q -> "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)).orElse("");
    }

    public String caCertificate() {
        return base + CA_CERTIFICATE;
    }

    public String fileUpload() {
        return base + FILES;
    }

    public String file(String token) {
        return base + FILES_PREFIX + token;
    }

    /** The link Linphone (mobile and desktop) opens to fetch a remote configuration. */
    public static String linphoneConfigLink(String httpsUrl) {
        return "linphone-config:" + httpsUrl;
    }
}
