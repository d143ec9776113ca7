package org.liaison.provisioning.http;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as the routes see it, free of Netty types so they can be tested from values.
 *
 * @param method        {@code GET}, {@code HEAD}, ...
 * @param target        the request-target as sent (path and query), which digest signs
 * @param path          the decoded path
 * @param parameters    the query parameters, the first value of each
 * @param authorization the {@code Authorization} header, or null
 * @param source        the client's address
 */
record Fetch(String method, String target, String path, Map<String, String> parameters, String authorization,
        InetAddress source) {
    Optional<String> parameter(String name) {
        return Optional.ofNullable(parameters.get(name));
    }
}
