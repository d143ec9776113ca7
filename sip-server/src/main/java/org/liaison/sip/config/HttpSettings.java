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
 * @param files     the limits of files shared in chats ({@code files.*})
 */
public record HttpSettings(int port, URI publicUrl, Duration tokenTtl, Path devicesFile, Path phoneTemplates,
        FileLimits files) {
    /** 100 MB: a phone video of a few minutes, and as much as a messenger app takes. */
    static final long DEFAULT_FILE_MAX_BYTES = 100L * 1000 * 1000;
    /**
     * 1 GiB: ten files of the largest size, or hundreds of photos, within one expiry period (the
     * quota counts only files whose links still work); 50 users at their quota take 50 GiB of data.dir.
     */
    static final long DEFAULT_FILE_QUOTA_BYTES = 1024L * 1024 * 1024;

    /**
     * @param maxBytes          {@code files.max-bytes}: the largest file accepted (413 above)
     * @param expiry            {@code files.expiry-days}: how long a download link works (410 after)
     * @param quotaPerUserBytes {@code files.quota-per-user-bytes}: live files per user (507 above)
     */
    public record FileLimits(long maxBytes, Duration expiry, long quotaPerUserBytes) {
        static FileLimits from(ConfigReader r) throws ConfigException {
            long maxBytes = r.bytes("files.max-bytes", DEFAULT_FILE_MAX_BYTES, 1, Long.MAX_VALUE / 2);
            Duration expiry = Duration.ofDays(r.integer("files.expiry-days", 30, 1, 3650));
            long quota = r.bytes("files.quota-per-user-bytes", DEFAULT_FILE_QUOTA_BYTES, 1, Long.MAX_VALUE / 2);
            if (quota < maxBytes) {
                throw r.problem("files.quota-per-user-bytes", quota + " is below files.max-bytes (" + maxBytes
                        + "): a file of the largest size could never be sent");
            }
            return new FileLimits(maxBytes, expiry, quota);
        }
    }

    static HttpSettings from(ConfigReader r, String domain, Path configDir) throws ConfigException {
        int port = r.port("http.port", 8443);
        String text = r.string("http.public-url", "");
        URI publicUrl = text.isEmpty() ? URI.create("https://" + domain + ":" + port) : publicUrl(r, text);
        Duration ttl = Duration.ofHours(r.integer("provisioning.token-ttl-hours", 72, 1, 24 * 365));
        Path devices = configDir.resolve(r.requiredString("devices.file", "devices.csv"));
        return new HttpSettings(port, publicUrl, ttl, devices, configDir.resolve("phones"), FileLimits.from(r));
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
