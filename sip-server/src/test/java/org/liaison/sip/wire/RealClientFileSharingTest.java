package org.liaison.sip.wire;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.provisioning.enrolment.EnrolmentTokens;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;
import org.liaison.sip.testing.TlsClients;

/**
 * A photo shared the way Linphone shares it, received by a real liblinphone. linphonec 5.1 has no
 * command to send a file (only {@code chat URI TEXT}), so the sending side is played with the exact
 * requests liblinphone sends (see docs/architecture.md "Files shared in chats"): the empty POST, the
 * digest challenge, the signed multipart POST, then the MESSAGE carrying the file-info document.
 * The receiving linphonec was provisioned by its enrolment link only, so it trusts the server's CA
 * and has {@code file_transfer_server_url}; it downloads the file by itself (auto-download).
 */
@Timeout(90)
class RealClientFileSharingTest {
    private static final Duration REGISTRATION = Duration.ofSeconds(30);
    private static final String BOUNDARY = "---------------------------14737809831466499882746641449";
    private static final Pattern DATA_URL = Pattern.compile("url=\"(https://[^\"]+)\"");

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failure leaves linphonec's log to read
    Path root;
    TestServer server;
    Linphonec bob;

    @BeforeEach
    void startServer() throws Exception {
        server = TestServer.builder().withTls().withProvisioning()
                .user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002")
                .start(root.resolve("server"));
    }

    @AfterEach
    void stopEverything() {
        if (bob != null) {
            bob.close();
        }
        server.close();
    }

    @Test
    void aPhotoUploadedAsLiblinphoneDoesIsDownloadedByTheRecipientsLinphonecFromItsMessage() throws Exception {
        String token = new EnrolmentTokens(server.dataDir(), Duration.ofHours(1), Clock.systemUTC())
                .issue("bob").token();
        bob = Linphonec.provisioned(root, "bob", "https://127.0.0.1:" + server.httpPort() + "/p/" + token,
                server.dataDir().resolve("ca.pem"));
        assertEquals("Ok", bob.awaitRegistration(REGISTRATION), bob::logs);
        String uploadUrl = "https://127.0.0.1:" + server.httpPort() + "/files";
        assertTrue(bob.linphonerc().contains("file_transfer_server_url=" + uploadUrl), bob::linphonerc);

        byte[] photo = new byte[30_000];
        new Random(7).nextBytes(photo);
        String fileInfo = upload(uploadUrl, "alice", "alice-secret", "holiday.jpg", photo);
        Matcher url = DATA_URL.matcher(fileInfo);
        assertTrue(url.find(), fileInfo);

        TestUa alice = TestUa.overTls("alice", server);
        String bobAor = "sip:bob@" + TestServer.DOMAIN;
        assertEquals(200, alice.sendWithAuth(alice.messageRequest(bobAor, UUID.randomUUID().toString(),
                "application/vnd.gsma.rcs-ft-http+xml", fileInfo), "alice-secret").status());

        assertTrue(bob.awaitLog("to FileTransferDone", Duration.ofSeconds(30)),
                () -> "linphonec did not download the shared file\n" + bob.logs());
        assertArrayEquals(photo, Files.readAllBytes(downloaded("holiday.jpg", photo.length)), "the bytes the sender uploaded");
    }

    /** liblinphone's upload: empty POST → 401 → the same POST signed, carrying the multipart body. */
    private String upload(String uploadUrl, String user, String password, String name, byte[] content)
            throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(TlsClients.trusting(server.dataDir().resolve("ca.pem")))
                .connectTimeout(Duration.ofSeconds(5)).build();
        String from = "<sip:" + user + "@" + TestServer.DOMAIN + ">";
        HttpResponse<String> challenge = http.send(HttpRequest.newBuilder(URI.create(uploadUrl))
                .header("From", from).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, challenge.statusCode());
        String nonce = TestUa.param(challenge.headers().firstValue("WWW-Authenticate").orElseThrow(), "nonce");
        DigestAlgorithm sha256 = DigestAlgorithm.SHA_256;
        String cnonce = "1f2e3d4c";
        String response = sha256.hash(sha256.ha1(user, TestServer.DOMAIN, password) + ":" + nonce + ":00000001:"
                + cnonce + ":auth:" + sha256.hash("POST:/files"));
        String authorization = "Digest username=\"" + user + "\", realm=\"" + TestServer.DOMAIN + "\", nonce=\""
                + nonce + "\", uri=\"/files\", algorithm=SHA-256, qop=auth, nc=00000001, cnonce=\"" + cnonce
                + "\", response=\"" + response + "\"";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-disposition: form-data; name=\"File\"; filename=\"" + name
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> kept = http.send(HttpRequest.newBuilder(URI.create(uploadUrl))
                .header("From", from).header("Authorization", authorization)
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, kept.statusCode(), kept.body());
        return kept.body();
    }

    /**
     * Where linphonec's auto-download put {@code name} (its download path is under its HOME), once it holds
     * {@code length} bytes: a CI run once saw FileTransferDone in linphonec's log with no file there yet, so the
     * file is awaited rather than expected at the instant of the state change.
     */
    private Path downloaded(String name, int length) {
        try {
            return await().pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(10)).until(
                    () -> fileUnderBob(name), found -> found.isPresent() && found.get().toFile().length() == length)
                    .orElseThrow();
        } catch (ConditionTimeoutException absent) {
            throw new AssertionError("no complete " + name + " under linphonec's directory; it holds:\n"
                    + filesUnderBob() + "\n" + bob.logs(), absent);
        }
    }

    private Optional<Path> fileUnderBob(String name) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve("bob"))) {
            return files.filter(p -> p.getFileName().toString().equals(name)).findFirst();
        }
    }

    private String filesUnderBob() {
        try (Stream<Path> files = Files.walk(root.resolve("bob"))) {
            return files.filter(Files::isRegularFile).map(Path::toString).collect(Collectors.joining("\n"));
        } catch (IOException unreadable) {
            return unreadable.toString();
        }
    }
}
