package org.liaison.sip.tls.acme;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.liaison.sip.testing.FreePorts;

/** Port 80 answers the CA's HTTP-01 requests (RFC 8555 §8.3) and nothing else: the rest goes to HTTPS. */
class Http01ListenerTest {
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void answersAChallengeUnderWayAndRedirectsEverythingElseToTheHttpsService() throws Exception {
        int port = FreePorts.udpAndTcp();
        try (Http01Listener listener = Http01Listener.open(List.of(InetAddress.getByName("127.0.0.1")), port,
                URI.create("https://sip.example.org:8443"))) {
            listener.publish("tok_en-1", "tok_en-1.thumbprint");
            // a client that never finishes its request holds nothing up
            Socket slow = new Socket("127.0.0.1", port);
            slow.getOutputStream().write("GET /.well-known/acme-challenge/tok_en-1 HTTP/1.1\r\nHost: x".getBytes(
                    StandardCharsets.US_ASCII));
            HttpResponse<String> answer = get(port, "/.well-known/acme-challenge/tok_en-1");
            assertEquals(200, answer.statusCode());
            assertEquals("tok_en-1.thumbprint", answer.body());

            assertEquals(404, get(port, "/.well-known/acme-challenge/other").statusCode());
            assertEquals(404, get(port, "/.well-known/acme-challenge/../../etc").statusCode());
            listener.withdraw("tok_en-1");
            assertEquals(404, get(port, "/.well-known/acme-challenge/tok_en-1").statusCode());

            HttpResponse<String> elsewhere = get(port, "/p/abc");
            assertEquals(301, elsewhere.statusCode());
            // the Host header of the request is never echoed: no open redirect
            assertEquals(Optional.of("https://sip.example.org:8443/p/abc"), elsewhere.headers().firstValue("Location"));
            slow.close();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
