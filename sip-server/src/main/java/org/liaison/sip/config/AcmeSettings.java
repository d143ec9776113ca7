package org.liaison.sip.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Certificates from an ACME CA (RFC 8555; issue 15), for the SIP TLS port and the HTTPS port.
 *
 * @param directoryUrl {@code sip.tls.acme.directory-url}: the CA's directory; empty = ACME is off
 * @param email        {@code sip.tls.acme.email}: the account's contact, for the CA's expiry notices; may be empty
 * @param names        {@code sip.tls.acme.names}: the host names (and IP addresses) the certificate names
 * @param caFile       {@code sip.tls.acme.ca-file}: a PEM to trust the ACME server's own HTTPS certificate by,
 *                     for a private ACME CA (step-ca, pebble); empty = the JDK's trusted roots
 * @param httpPort     {@code sip.tls.acme.http-port}: the HTTP-01 challenge listener (RFC 8555 §8.3)
 * @param clusterPoll  {@code sip.tls.acme.cluster-poll-interval-ms}: in a cluster, how often a node checks for a
 *                     certificate another node ordered, and whether the lease of a node ordering has been given up
 * @param challenges   {@code sip.tls.acme.challenge}: how the names are proved, {@link #HTTP_01} (RFC 8555 §8.3)
 *                     and/or {@link #TLS_ALPN_01} (RFC 8737, on the HTTPS port), in order: the first the CA offers;
 *                     after a failed attempt the next attempt starts with the next one
 */
public record AcmeSettings(Optional<URI> directoryUrl, String email, List<String> names, Optional<Path> caFile,
        int httpPort, Duration clusterPoll, List<String> challenges) {
    static final long DEFAULT_CLUSTER_POLL_MS = 30_000;
    public static final String HTTP_01 = "http-01";
    public static final String TLS_ALPN_01 = "tls-alpn-01";
    /** A DNS name of letters, digits and hyphens (RFC 1123 §2.1); HTTP-01 cannot prove a wildcard. */
    private static final Pattern HOST_NAME = Pattern.compile(
            "(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    public AcmeSettings {
        names = List.copyOf(names);
        challenges = List.copyOf(challenges);
    }

    /** With the default cluster poll interval, proving the names over HTTP-01 only. */
    public AcmeSettings(Optional<URI> directoryUrl, String email, List<String> names, Optional<Path> caFile,
            int httpPort) {
        this(directoryUrl, email, names, caFile, httpPort, Duration.ofMillis(DEFAULT_CLUSTER_POLL_MS));
    }

    /** Proving the names over HTTP-01 only. */
    public AcmeSettings(Optional<URI> directoryUrl, String email, List<String> names, Optional<Path> caFile,
            int httpPort, Duration clusterPoll) {
        this(directoryUrl, email, names, caFile, httpPort, clusterPoll, List.of(HTTP_01));
    }

    /** Whether the HTTPS service answers TLS-ALPN-01 handshakes (RFC 8737). */
    public boolean answersTlsAlpn01() {
        return enabled() && challenges.contains(TLS_ALPN_01);
    }

    /** ACME is on: a directory URL is configured. */
    public boolean enabled() {
        return directoryUrl.isPresent();
    }

    static AcmeSettings from(ConfigReader r, Path configDir, String domain, HttpSettings http)
            throws ConfigException {
        String url = r.string("sip.tls.acme.directory-url", "");
        String email = r.string("sip.tls.acme.email", "");
        List<String> defaultNames = new ArrayList<>(List.of(domain.toLowerCase(Locale.ROOT)));
        String httpHost = http.publicUrl().getHost().toLowerCase(Locale.ROOT);
        if (!defaultNames.contains(httpHost)) {
            defaultNames.add(httpHost);
        }
        List<String> listed = r.list("sip.tls.acme.names", "");
        List<String> names = new ArrayList<>();
        for (String name : listed.isEmpty() ? defaultNames : listed) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!HOST_NAME.matcher(lower).matches() && IpLiteral.parse(lower) == null) {
                throw r.problem("sip.tls.acme.names", ConfigReader.quoted(name)
                        + " is not a host name or IP address (wildcards cannot be proved over HTTP-01)");
            }
            if (!names.contains(lower)) {
                names.add(lower);
            }
        }
        String caFile = r.string("sip.tls.acme.ca-file", "");
        int httpPort = r.port("sip.tls.acme.http-port", 80);
        Duration clusterPoll = r.millis("sip.tls.acme.cluster-poll-interval-ms", DEFAULT_CLUSTER_POLL_MS, 100,
                3_600_000);
        List<String> challenges = challenges(r, http, !url.isEmpty());
        if (url.isEmpty()) {
            return new AcmeSettings(Optional.empty(), email, names, Optional.empty(), httpPort, clusterPoll,
                    challenges);
        }
        if (httpPort == 0 && challenges.contains(HTTP_01)) {
            throw r.problem("sip.tls.acme.http-port", "is 0, but the ACME CA proves the names over HTTP-01 on it"
                    + " (sip.tls.acme.challenge = tls-alpn-01 proves them on the HTTPS port instead)");
        }
        if (!email.isEmpty() && !email.matches("[^@\\s:,]+@[^@\\s:,]+")) {
            throw r.problem("sip.tls.acme.email", ConfigReader.quoted(email) + " is not an e-mail address");
        }
        Optional<Path> ca = caFile.isEmpty() ? Optional.empty() : Optional.of(configDir.resolve(caFile));
        if (ca.isPresent() && !Files.isReadable(ca.get())) {
            throw r.problem("sip.tls.acme.ca-file", ca.get() + " is not a readable file");
        }
        return new AcmeSettings(Optional.of(directory(r, url)), email, names, ca, httpPort, clusterPoll, challenges);
    }

    /**
     * Empty (the default): both, as Caddy does, HTTP-01 first (port 80, what works without a TLS port forwarded),
     * TLS-ALPN-01 after it failed (port 80 closed, the HTTPS service reachable on 443); TLS-ALPN-01 only with the
     * HTTPS service.
     */
    private static List<String> challenges(ConfigReader r, HttpSettings http, boolean enabled)
            throws ConfigException {
        List<String> listed = r.list("sip.tls.acme.challenge", "");
        if (listed.isEmpty()) {
            return http.port() == 0 ? List.of(HTTP_01) : List.of(HTTP_01, TLS_ALPN_01);
        }
        List<String> challenges = new ArrayList<>();
        for (String item : listed) {
            String challenge = item.toLowerCase(Locale.ROOT);
            if (!challenge.equals(HTTP_01) && !challenge.equals(TLS_ALPN_01)) {
                throw r.problem("sip.tls.acme.challenge", ConfigReader.quoted(item) + " is not http-01 or tls-alpn-01");
            }
            if (!challenges.contains(challenge)) {
                challenges.add(challenge);
            }
        }
        if (enabled && challenges.contains(TLS_ALPN_01) && http.port() == 0) {
            throw r.problem("sip.tls.acme.challenge", "names tls-alpn-01, which is answered on the HTTPS service,"
                    + " but http.port is 0");
        }
        return List.copyOf(challenges);
    }

    private static URI directory(ConfigReader r, String text) throws ConfigException {
        try {
            URI uri = new URI(text);
            // RFC 8555 §6.1: ACME runs over HTTPS only
            if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw r.problem("sip.tls.acme.directory-url", ConfigReader.quoted(text)
                + " is not an https:// URL of an ACME directory");
    }
}
