package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;

/**
 * sslscan (OpenSSL's view) against the SIP TLS listener and the HTTPS provisioning listener: only
 * TLS 1.2 and 1.3 are offered, and every suite accepted has forward secrecy and an AEAD cipher.
 * SSLv3, TLS 1.0/1.1, RC4, 3DES, CBC, NULL, EXPORT or anonymous suites fail the test.
 */
@Timeout(120)
class SslscanTest {
    private static final Pattern PROTOCOL = Pattern.compile(
            "<protocol type=\"(\\w+)\" version=\"([\\d.]+)\" enabled=\"(\\d)\"");
    private static final Pattern ACCEPTED = Pattern.compile(
            "<cipher status=\"(?:accepted|preferred)\" sslversion=\"([^\"]+)\" bits=\"\\d+\" cipher=\"([^\"]+)\"");
    /** OpenSSL names of ECDHE + AES-GCM / ChaCha20-Poly1305 suites, and the TLS 1.3 suites (all AEAD). */
    private static final Pattern STRONG = Pattern.compile(
            "ECDHE-(ECDSA|RSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)|TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)");

    @TempDir
    Path root;

    @Test
    void onlyTls12And13WithForwardSecretAeadSuitesAreAccepted() throws Exception {
        try (TestServer server = TestServer.builder().withTls().start(root.resolve("server"))) {
            assertOnlyStrongTls(server.host(), server.tlsPort(), "sip");
        }
    }

    /**
     * With an admin's RSA certificate, where a default cipher list would add CBC and RSA key
     * exchange suites (an EC certificate hides them: they cannot be used with it).
     */
    @Test
    void provisioningHttpsAcceptsTheSameSuitesAsSipWithAnRsaCertificate() throws Exception {
        Path certificate = root.resolve("rsa.pem");
        Path key = root.resolve("rsa-key.pem");
        try (ChildProcess openssl = ChildProcess.start("openssl", List.of(Tools.require("openssl").toString(), "req",
                "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(), "-out", certificate.toString()),
                root, root.resolve("openssl.out"), Map.of())) {
            assertEquals(OptionalInt.of(0), openssl.awaitExit(Duration.ofSeconds(60)), openssl::outputText);
        }
        try (TestServer server = TestServer.builder().withTls().withProvisioning()
                .property("sip.tls.certificate", certificate.toString())
                .property("sip.tls.private-key", key.toString()).start(root.resolve("server"))) {
            assertOnlyStrongTls(server.host(), server.httpPort(), "https");
        }
    }

    private void assertOnlyStrongTls(String host, int port, String name) throws Exception {
        Path sslscan = Tools.require("sslscan");
        Path xml = root.resolve(name + "-sslscan.xml");
        try (ChildProcess scan = ChildProcess.start("sslscan", List.of(sslscan.toString(), "--no-colour",
                "--xml=" + xml, "--connect-timeout=5", host + ":" + port), root,
                root.resolve(name + "-sslscan.out"), Map.of())) {
            OptionalInt exit = scan.awaitExit(Duration.ofSeconds(90));
            assertEquals(OptionalInt.of(0), exit, scan::outputText);
            String report = Files.readString(xml);

            Set<String> enabled = new TreeSet<>();
            Matcher p = PROTOCOL.matcher(report);
            while (p.find()) {
                if ("1".equals(p.group(3))) {
                    enabled.add(p.group(1) + p.group(2));
                }
            }
            assertEquals(Set.of("tls1.2", "tls1.3"), enabled, report);

            List<String> accepted = new ArrayList<>();
            List<String> weak = new ArrayList<>();
            Matcher c = ACCEPTED.matcher(report);
            while (c.find()) {
                accepted.add(c.group(1) + " " + c.group(2));
                if (!STRONG.matcher(c.group(2)).matches()) {
                    weak.add(c.group(1) + " " + c.group(2));
                }
            }
            assertFalse(accepted.isEmpty(), "sslscan saw no accepted suite: the test proves nothing\n" + report);
            assertTrue(weak.isEmpty(), "weak suites accepted: " + weak + "\n" + report);
        }
    }
}
