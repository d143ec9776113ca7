package org.liaison.provisioning.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import javax.net.ssl.SSLSocket;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.provisioning.client.SipEndpoint;
import org.liaison.provisioning.enrolment.EnrolmentTokens;
import org.liaison.provisioning.files.FileInfoXml;
import org.liaison.provisioning.files.FileSharingSettings;
import org.liaison.provisioning.files.FileStore;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * File sharing over the real HTTPS service on loopback, with the requests liblinphone sends
 * ({@code FileTransferChatMessageModifier}): an empty POST to {@code file_transfer_server_url} with
 * its {@code From}, the 401 digest challenge, the same POST signed and carrying the multipart body
 * (part "File", belle-sip's boundary), the file-info answer, and the recipient's plain GET of its
 * {@code data url}. Limits are small (64 KiB files, 100 KiB quota) so that the bounds are crossed quickly.
 */
class FileSharingTest {
    private static final long MAX_BYTES = 64 * 1024;
    private static final long QUOTA_BYTES = 100 * 1024;
    private static final Duration EXPIRY = Duration.ofDays(30);
    /** belle-sip's multipart boundary (belle_sip_multipart_body_handler). */
    private static final String BOUNDARY = "---------------------------14737809831466499882746641449";
    private static final String FROM = "<sip:alice@example.org>";

    @TempDir
    Path dataDir;
    @TempDir
    Path configDir;
    private final HandClock clock = new HandClock();
    private ProvisioningService service;
    private HttpsClient client;
    private Path files;
    private TestCertificate certificate;

    @BeforeEach
    void start() throws Exception {
        certificate = TestCertificate.create();
        AccountSnapshot accounts = TestAccounts.load(configDir);
        files = dataDir.resolve("files");
        service = ProvisioningService.start(
                new ProvisioningSettings(List.of(TestCertificate.loopback()), 0, URI.create("https://127.0.0.1:8443"),
                        Duration.ofHours(72), configDir.resolve("devices.csv"), configDir.resolve("phones"),
                        TestCertificate.CIPHER_SUITES, new FileSharingSettings(files, MAX_BYTES, EXPIRY, QUOTA_BYTES, false)),
                TestAccounts.DOMAIN, () -> accounts, new SipEndpoint("127.0.0.1", 5061, "tls"),
                certificate.keyManager(), Optional.empty(),
                new EnrolmentTokens(dataDir, Duration.ofHours(72), clock), clock);
        client = new HttpsClient(certificate, service.port());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void liblinphonesUploadIsChallengedThenKeptAndAnyoneWithTheLinkDownloadsIt() throws Exception {
        HttpResponse<String> unsigned = client.post("/files", HttpRequest.BodyPublishers.noBody(), "From", FROM);
        assertEquals(401, unsigned.statusCode(), "an upload needs the user's credentials");
        assertEquals(2, HttpsClient.challenges(unsigned).size(), "SHA-256 and MD5 offered");

        byte[] photo = bytes(20 * 1024); // past the 8 KiB aggregator: the body is streamed, not aggregated
        HttpResponse<String> kept = upload("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256,
                "photo 1.jpg", "image/jpeg", photo);
        assertEquals(200, kept.statusCode(), kept.body());
        assertTrue(kept.headers().firstValue("Content-Type").orElse("").startsWith(FileInfoXml.CONTENT_TYPE));
        Element info = fileInfo(kept.body());
        assertEquals("20480", text(info, "file-size"));
        assertEquals("photo 1.jpg", text(info, "file-name"));
        assertEquals("image/jpeg", text(info, "content-type"));
        Element data = (Element) info.getElementsByTagNameNS(FileInfoXml.NAMESPACE, "data").item(0);
        assertEquals(clock.instant().plus(EXPIRY).toString(), data.getAttribute("until"), "RFC 3339, UTC");
        String url = data.getAttribute("url");
        assertTrue(url.matches("https://127\\.0\\.0\\.1:8443/files/[A-Za-z0-9_-]{43}"), url);

        HttpResponse<byte[]> download = client.download(URI.create(url).getPath());
        assertEquals(200, download.statusCode());
        assertArrayEquals(photo, download.body());
        assertEquals("image/jpeg", download.headers().firstValue("Content-Type").orElse(""));
        assertEquals("attachment; filename=\"photo 1.jpg\"; filename*=UTF-8''photo%201.jpg",
                download.headers().firstValue("Content-Disposition").orElse(""));
        assertEquals("nosniff", download.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    @Test
    void aSignedEmptyPostGets204AsRcsAsksAndMd5CredentialsUploadToo() throws Exception {
        String challenge = client.post("/files", HttpRequest.BodyPublishers.noBody()).headers()
                .allValues("WWW-Authenticate").get(0);
        String authorization = HttpsClient.authorization(challenge, "POST", "/files", DigestAlgorithm.SHA_256,
                "bob", TestAccounts.DOMAIN, TestAccounts.password("bob"), "00000001");
        assertEquals(204, client.post("/files", HttpRequest.BodyPublishers.noBody(), "Authorization", authorization)
                .statusCode());
        assertEquals(200, upload("bob", TestAccounts.password("bob"), DigestAlgorithm.MD5, "a.txt", "text/plain",
                bytes(10)).statusCode());
    }

    @Test
    void aWrongPasswordIsChallengedAgainAndNothingIsStored() throws Exception {
        HttpResponse<String> wrong = upload("alice", "guess", DigestAlgorithm.SHA_256, "a.bin", "image/png",
                bytes(1000));
        assertEquals(401, wrong.statusCode());
        assertEquals(List.of(), storedData());
    }

    @Test
    void aStreamedBodyTwiceTheLimitIs413AndNothingIsKept() throws Exception {
        // no Content-Length (chunked): the bound can only be enforced while reading
        InputStream twiceTooBig = new ByteArrayInputStream(multipart("big.bin", "application/zip",
                bytes((int) (2 * MAX_BYTES))));
        HttpResponse<String> refused = client.post("/files",
                HttpRequest.BodyPublishers.ofInputStream(() -> twiceTooBig),
                "Content-Type", "multipart/form-data; boundary=" + BOUNDARY, "Authorization",
                signedPost("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256));
        assertEquals(413, refused.statusCode(), refused.body());
        assertEquals(List.of(), storedData());
        try (Stream<Path> incoming = Files.list(files.resolve("incoming"))) {
            assertEquals(0, incoming.count(), "the partial upload is deleted");
        }
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413BeforeTheBodyIsRead() throws Exception {
        HttpResponse<String> refused = upload("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256,
                "big.bin", "application/zip", bytes((int) MAX_BYTES + 20 * 1024));
        assertEquals(413, refused.statusCode(), refused.body());
        assertEquals(List.of(), storedData());
    }

    @Test
    void aClientWaitingFor100ContinueSendsItsFileAfterItOrIsRefusedBeforeSendingIt() throws Exception {
        byte[] body = multipart("c.bin", "image/png", bytes(1000));
        try (SSLSocket socket = rawConnection()) {
            sendHeadExpectingContinue(socket, body.length);
            assertTrue(readSome(socket).startsWith("HTTP/1.1 100 Continue"));
            socket.getOutputStream().write(body);
            assertTrue(readSome(socket).startsWith("HTTP/1.1 200 OK"));
        }
        try (SSLSocket socket = rawConnection()) {
            sendHeadExpectingContinue(socket, 2 * MAX_BYTES);
            assertTrue(readSome(socket).startsWith("HTTP/1.1 413 "), "refused on the head, no body sent");
        }
        assertEquals(1, storedData().size());
    }

    private SSLSocket rawConnection() throws Exception {
        SSLSocket socket = (SSLSocket) certificate.clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", service.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private void sendHeadExpectingContinue(SSLSocket socket, long length) throws Exception {
        socket.getOutputStream().write(("POST /files HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
                + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nAuthorization: "
                + signedPost("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256)
                + "\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String readSome(SSLSocket socket) throws Exception {
        byte[] buffer = new byte[512];
        int read = socket.getInputStream().read(buffer);
        return new String(buffer, 0, Math.max(read, 0), StandardCharsets.US_ASCII);
    }

    @Test
    void overTheQuotaIs507UntilOlderFilesExpire() throws Exception {
        String pw = TestAccounts.password("alice");
        assertEquals(200, upload("alice", pw, DigestAlgorithm.SHA_256, "1.bin", "image/png", bytes(60 * 1024))
                .statusCode());
        HttpResponse<String> over = upload("alice", pw, DigestAlgorithm.SHA_256, "2.bin", "image/png",
                bytes(60 * 1024));
        assertEquals(507, over.statusCode(), over.body());
        assertEquals(200, upload("bob", TestAccounts.password("bob"), DigestAlgorithm.SHA_256, "b.bin", "image/png",
                bytes(60 * 1024)).statusCode(), "the quota is per user");

        clock.advance(EXPIRY.plusSeconds(1));
        assertEquals(200, upload("alice", pw, DigestAlgorithm.SHA_256, "2.bin", "image/png", bytes(60 * 1024))
                .statusCode(), "expired files no longer count");
    }

    @Test
    void anExpiredLinkIs410ItsFileIsSweptAndLongAfterItIs404() throws Exception {
        String path = dataPath(upload("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256, "x.pdf",
                "application/pdf", bytes(100)));
        assertEquals(200, client.download(path).statusCode());

        clock.advance(EXPIRY);
        assertEquals(410, client.download(path).statusCode(), "the link ends at until");
        FileStore.open(new FileSharingSettings(files, MAX_BYTES, EXPIRY, QUOTA_BYTES, false), clock); // sweeps
        assertEquals(List.of(), storedData(), "the sweep deleted the file");
        assertEquals(410, client.download(path).statusCode(), "its record still answers 410");

        clock.advance(FileStore.REMEMBER_EXPIRED);
        FileStore restarted = FileStore.open(new FileSharingSettings(files, MAX_BYTES, EXPIRY, QUOTA_BYTES, false), clock);
        assertEquals("Unknown", restarted.find(path.substring("/files/".length())).getClass().getSimpleName());
    }

    @Test
    void aTokenOneCharacterOffIs404AndGuessingIsBlocked() throws Exception {
        String path = dataPath(upload("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256, "x.pdf",
                "application/pdf", bytes(100)));
        char last = path.charAt(path.length() - 1);
        String offByOne = path.substring(0, path.length() - 1) + (last == 'A' ? 'B' : 'A');
        assertEquals(404, client.download(offByOne).statusCode());

        int status = 404;
        for (int i = 0; i < 30 && status == 404; i++) {
            status = client.download("/files/" + "A".repeat(42) + (char) ('a' + i % 26)).statusCode();
        }
        assertEquals(429, status, "unknown tokens count as failed fetches");
        assertEquals(429, client.download(path).statusCode(), "a blocked source fetches nothing");
    }

    @Test
    void aPathLikeFileNameStaysANameEscapedInTheXml() throws Exception {
        HttpResponse<String> kept = upload("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256,
                "../../evil<&>'.sh", "shell script", bytes(100));
        assertEquals(200, kept.statusCode(), kept.body());
        Element info = fileInfo(kept.body());
        assertEquals("evil<&>'.sh", text(info, "file-name"), "the last segment only, as text");
        assertEquals("application/octet-stream", text(info, "content-type"), "not a media type: the default");
        assertFalse(Files.exists(dataDir.resolve("evil<&>'.sh")));
        assertFalse(Files.exists(configDir.resolve("evil<&>'.sh")));
        try (Stream<Path> stored = Files.list(files)) {
            assertTrue(stored.allMatch(p -> p.getFileName().toString().matches("[0-9a-f]{64}\\.(data|meta)|incoming")),
                    "stored by the token's hash only");
        }
        HttpResponse<byte[]> download = client.download(dataPath(kept));
        assertEquals("attachment; filename=\"evil____.sh\"; filename*=UTF-8''evil%3C%26%3E%27.sh",
                download.headers().firstValue("Content-Disposition").orElse(""));
    }

    @Test
    void tokensAre256RandomBitsUrlSafe() throws Exception {
        String a = dataPath(upload("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256, "a", "text/plain",
                bytes(1)));
        String b = dataPath(upload("alice", TestAccounts.password("alice"), DigestAlgorithm.SHA_256, "a", "text/plain",
                bytes(1)));
        assertNotEquals(a, b);
        String token = a.substring("/files/".length());
        assertEquals(32, Base64.getUrlDecoder().decode(token).length, token);
    }

    // ---- liblinphone's requests

    /** The signed POST of a file as liblinphone sends it once challenged. */
    private HttpResponse<String> upload(String user, String password, DigestAlgorithm algorithm, String name,
            String type, byte[] content) throws Exception {
        return client.post("/files", HttpRequest.BodyPublishers.ofByteArray(multipart(name, type, content)),
                "From", "<sip:" + user + "@example.org>", "User-Agent", "Linphone/5.2 (belle-sip/5.2)",
                "Content-Type", "multipart/form-data; boundary=" + BOUNDARY,
                "Authorization", signedPost(user, password, algorithm));
    }

    private String signedPost(String user, String password, DigestAlgorithm algorithm) throws Exception {
        String challenge = client.post("/files", HttpRequest.BodyPublishers.noBody()).headers()
                .allValues("WWW-Authenticate").stream()
                .filter(c -> c.contains("algorithm=" + algorithm.token() + ",")).findFirst().orElseThrow();
        return HttpsClient.authorization(challenge, "POST", "/files", algorithm, user, TestAccounts.DOMAIN, password,
                "00000001");
    }

    /** One part named "File" with liblinphone's Content-disposition and the file's Content-Type. */
    private static byte[] multipart(String name, String type, byte[] content) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-disposition: form-data; name=\"File\"; filename=\"" + name
                + "\"\r\nContent-Type: " + type + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        new Random(count).nextBytes(bytes);
        return bytes;
    }

    private static Element fileInfo(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document document = factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals(FileInfoXml.NAMESPACE, document.getDocumentElement().getNamespaceURI());
        assertEquals("file", document.getDocumentElement().getLocalName());
        Element info = (Element) document.getElementsByTagNameNS(FileInfoXml.NAMESPACE, "file-info").item(0);
        assertEquals("file", info.getAttribute("type"));
        return info;
    }

    private static String text(Element info, String name) {
        return info.getElementsByTagNameNS(FileInfoXml.NAMESPACE, name).item(0).getTextContent();
    }

    private static String dataPath(HttpResponse<String> kept) throws Exception {
        assertEquals(200, kept.statusCode(), kept.body());
        Element data = (Element) fileInfo(kept.body()).getElementsByTagNameNS(FileInfoXml.NAMESPACE, "data").item(0);
        return URI.create(data.getAttribute("url")).getPath();
    }

    private List<String> storedData() throws Exception {
        try (Stream<Path> stored = Files.list(files)) {
            return stored.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".data")).toList();
        }
    }
}
