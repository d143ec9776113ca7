package org.liaison.provisioning.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.liaison.provisioning.DigestAlgorithm;

/** A test client of the provisioning service: trusts the test certificate only, signs with HTTP digest. */
final class HttpsClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client;
    private final String base;

    HttpsClient(TestCertificate certificate, int port) throws Exception {
        this.client = HttpClient.newBuilder().sslContext(certificate.clientContext("TLS"))
                .connectTimeout(TIMEOUT).build();
        this.base = "https://127.0.0.1:" + port;
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> head(String path) throws Exception {
        return client.send(request(path).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET {@code path}, answering its 401 challenge for {@code algorithm} with these credentials. */
    HttpResponse<String> getSigned(String path, DigestAlgorithm algorithm, String user, String realm,
            String password) throws Exception {
        return get(path, authorization(challenge(path, algorithm), path, algorithm, user, realm, password,
                "00000001"));
    }

    /** GET {@code path} with this {@code Authorization} header. */
    HttpResponse<String> get(String path, String authorization) throws Exception {
        return client.send(request(path).header("Authorization", authorization).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The server's {@code WWW-Authenticate} value for {@code algorithm} on an unsigned GET of {@code path}. */
    String challenge(String path, DigestAlgorithm algorithm) throws Exception {
        HttpResponse<String> challenge = get(path);
        if (challenge.statusCode() != 401) {
            throw new AssertionError("expected a 401 challenge for " + path + ", got " + challenge.statusCode());
        }
        return challenges(challenge).stream()
                .filter(h -> h.contains("algorithm=" + algorithm.token() + ","))
                .findFirst().orElseThrow(() -> new AssertionError("no " + algorithm + " challenge"));
    }

    /** An RFC 7616 qop=auth answer to {@code challenge} for a GET, with nonce count {@code nc}. */
    static String authorization(String challenge, String path, DigestAlgorithm algorithm, String user, String realm,
            String password, String nc) {
        return authorization(challenge, "GET", path, algorithm, user, realm, password, nc);
    }

    /** An RFC 7616 qop=auth answer to {@code challenge} for {@code method}, with nonce count {@code nc}. */
    static String authorization(String challenge, String method, String path, DigestAlgorithm algorithm, String user,
            String realm, String password, String nc) {
        Map<String, String> c = DigestParams.parse(challenge).orElseThrow();
        String cnonce = "0a4f113b";
        String ha1 = algorithm.ha1(user, realm, password);
        String ha2 = algorithm.hash(method + ":" + path);
        String response = algorithm.hash(ha1 + ":" + c.get("nonce") + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + c.get("nonce")
                + "\", uri=\"" + path + "\", algorithm=" + algorithm.token() + ", qop=auth, nc=" + nc
                + ", cnonce=\"" + cnonce + "\", response=\"" + response + "\"";
    }

    /** POST {@code body} to {@code path} with these extra headers (name, value, name, value...). */
    HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, String... headers) throws Exception {
        HttpRequest.Builder request = request(path).POST(body);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<byte[]> download(String path) throws Exception {
        return client.send(request(path).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
    }

    static List<String> challenges(HttpResponse<?> response) {
        return response.headers().allValues("WWW-Authenticate");
    }
}
