package org.liaison.sip.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The HTTPS provisioning service.
 *
 * @param port      {@code http.port}; 0 = the service is off
 * @param publicUrl {@code http.public-url}: the base of every URL handed to clients
 * @param tokenTtl  {@code provisioning.token-ttl-hours}: how long an enrolment link stays good
 * @param devicesFile    {@code devices.file}, resolved against the configuration directory
 * @param phoneTemplates the desk phone templates: {@code phones/} in the configuration directory
 */
public record HttpSettings(int port, URI publicUrl, Duration tokenTtl, Path devicesFile, Path phoneTemplates) {
    static HttpSettings from(ConfigReader r, String domain, Path configDir) throws ConfigException {
        int port = r.port("http.port", 8443);
        String text = r.string("http.public-url", "");
        URI publicUrl = text.isEmpty() ? URI.create("https://" + domain + ":" + port) : publicUrl(r, text);
        Duration ttl = Duration.ofHours(r.integer("provisioning.token-ttl-hours", 72, 1, 24 * 365));
        Path devices = configDir.resolve(r.requiredString("devices.file", "devices.csv"));
        return new HttpSettings(port, publicUrl, ttl, devices, configDir.resolve("phones"));
    }

    private static URI publicUrl(ConfigReader r, String text) throws ConfigException {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw r.problem("http.public-url", "\"" + text + "\" is not a URL");
        }
        // credentials travel in what this URL serves: clients must never be sent to plain http
        if (url.getScheme() == null || !url.getScheme().toLowerCase(Locale.ROOT).equals("https") || url.getHost() == null
                || url.getQuery() != null || url.getFragment() != null || url.getUserInfo() != null) {
            throw r.problem("http.public-url", "\"" + text + "\" is not an https://HOST[:PORT][/PATH] URL");
        }
        return url;
    }
}
