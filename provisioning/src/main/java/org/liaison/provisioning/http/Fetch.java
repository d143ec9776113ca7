package org.liaison.provisioning.http;

import java.net.InetAddress;
import java.util.Optional;

/**
 * One HTTP request as the routes see it, free of Netty types so they can be tested from values.
 *
 * @param method        {@code GET}, {@code HEAD}, ...
 * @param target        the request-target as sent (path and query), which digest signs
 * @param path          the decoded path
 * @param query         the {@code q} search parameter, when given
 * @param authorization the {@code Authorization} header, or null
 * @param source        the client's address
 */
record Fetch(String method, String target, String path, Optional<String> query, String authorization,
        InetAddress source) {
}
