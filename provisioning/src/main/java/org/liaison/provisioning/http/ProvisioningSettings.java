package org.liaison.provisioning.http;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.liaison.provisioning.files.FileSharingSettings;

/**
 * How the HTTPS provisioning service listens and what it hands out.
 *
 * @param addresses  addresses to listen on
 * @param port       the TCP port ({@code http.port})
 * @param publicUrl  the base URL clients are given ({@code http.public-url})
 * @param tokenTtl   how long an enrolment link stays good ({@code provisioning.token-ttl-hours})
 * @param devicesFile    the admin's desk phones ({@code devices.file}); may not exist
 * @param phoneTemplates the directory of the desk phone templates ({@code conf/phones})
 * @param tlsCipherSuites the TLS suites offered (JSSE names), those of SIP over TLS: one policy for
 *                        both listeners, kept where the SIP listener is
 * @param files      where files shared in chats are kept, and their limits
 */
public record ProvisioningSettings(List<InetAddress> addresses, int port, URI publicUrl, Duration tokenTtl,
        Path devicesFile, Path phoneTemplates, List<String> tlsCipherSuites, FileSharingSettings files) {
    /** The largest request head (request line and headers) accepted; provisioning requests are GETs. */
    static final int MAX_HEADER_BYTES = 8 * 1024;
    static final int MAX_INITIAL_LINE_BYTES = 2 * 1024;
    /**
     * Request bodies are not expected (file uploads stream past this bound); this bounds what a
     * client can make us buffer.
     */
    static final int MAX_BODY_BYTES = 8 * 1024;
    static final int MAX_CONNECTIONS = 512;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Failed fetches (404, 410, 403, a wrong password for a new user) per source before it gets 429 for a while. */
    static final int MAX_FAILURES_PER_SOURCE = 20;
    /** Wrong passwords for one user from one source before that source is refused for that user. */
    static final int MAX_FAILURES_PER_SOURCE_AND_USER = 10;
    /** Wrong passwords for one user from anywhere before sources that never signed in as the user are refused. */
    static final int MAX_FAILURES_PER_USER = 30;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);
    static final Duration BLOCK = Duration.ofMinutes(5);

    public ProvisioningSettings {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(publicUrl, "publicUrl");
        Objects.requireNonNull(tokenTtl, "tokenTtl");
        Objects.requireNonNull(devicesFile, "devicesFile");
        Objects.requireNonNull(phoneTemplates, "phoneTemplates");
        Objects.requireNonNull(files, "files");
        tlsCipherSuites = List.copyOf(tlsCipherSuites);
        if (tlsCipherSuites.isEmpty()) {
            // an empty list would mean the TLS library's defaults, the very thing this list replaces
            throw new IllegalArgumentException("no TLS cipher suites for the provisioning listener");
        }
    }
}
