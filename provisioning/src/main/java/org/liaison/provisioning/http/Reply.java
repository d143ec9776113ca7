package org.liaison.provisioning.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An answer to a {@link Fetch}.
 *
 * @param status      the HTTP status code
 * @param contentType the body's media type
 * @param body        the bytes sent, when {@code file} is empty
 * @param headers     extra headers, a name may repeat (one {@code WWW-Authenticate} per algorithm)
 * @param user        the user the request was for, for the access log; "-" when none
 * @param file        a file streamed from disk as the body instead of {@code body}
 */
record Reply(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers, String user,
        Optional<Path> file) {
    static final String TEXT = "text/plain; charset=utf-8";

    static Reply ok(String contentType, String body, String user) {
        return new Reply(200, contentType, body.getBytes(StandardCharsets.UTF_8), List.of(), user, Optional.empty());
    }

    /** A short plain-text error; its text names no secret and no other user. */
    static Reply error(int status, String text, String user) {
        return new Reply(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8), List.of(), user,
                Optional.empty());
    }

    static Reply challenge(List<String> challenges) {
        List<Map.Entry<String, String>> headers = challenges.stream()
                .map(c -> Map.entry("WWW-Authenticate", c)).toList();
        return new Reply(401, TEXT, "authentication required\n".getBytes(StandardCharsets.UTF_8), headers, "-",
                Optional.empty());
    }

    /** 200 with {@code content} streamed as the body. */
    static Reply file(Path content, String contentType, List<Map.Entry<String, String>> headers) {
        return new Reply(200, contentType, new byte[0], headers, "-", Optional.of(content));
    }

    /** A status with no body at all (204). */
    static Reply empty(int status, String user) {
        return new Reply(status, TEXT, new byte[0], List.of(), user, Optional.empty());
    }

    /** Answers that count against the source in the failed-fetch limit. */
    boolean isFailure() {
        return status == 403 || status == 404 || status == 410;
    }
}
