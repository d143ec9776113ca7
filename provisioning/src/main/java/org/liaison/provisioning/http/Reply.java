package org.liaison.provisioning.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An answer to a {@link Fetch}.
 *
 * @param status      the HTTP status code
 * @param contentType the body's media type
 * @param body        the bytes sent
 * @param headers     extra headers, a name may repeat (one {@code WWW-Authenticate} per algorithm)
 * @param user        the user the request was for, for the access log; "-" when none
 */
record Reply(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers, String user) {
    static final String TEXT = "text/plain; charset=utf-8";

    static Reply ok(String contentType, String body, String user) {
        return new Reply(200, contentType, body.getBytes(StandardCharsets.UTF_8), List.of(), user);
    }

    /** A short plain-text error; its text names no secret and no other user. */
    static Reply error(int status, String text, String user) {
        return new Reply(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8), List.of(), user);
    }

    static Reply challenge(List<String> challenges) {
        List<Map.Entry<String, String>> headers = challenges.stream()
                .map(c -> Map.entry("WWW-Authenticate", c)).toList();
        return new Reply(401, TEXT, "authentication required\n".getBytes(StandardCharsets.UTF_8), headers, "-");
    }

    /** Answers that count against the source in the failed-fetch limit. */
    boolean isFailure() {
        return status == 403 || status == 404 || status == 410;
    }
}
