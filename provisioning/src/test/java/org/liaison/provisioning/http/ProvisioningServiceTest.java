package org.liaison.provisioning.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.provisioning.client.SipEndpoint;
import org.liaison.provisioning.enrolment.EnrolmentTokens;
import org.liaison.provisioning.files.FileSharingSettings;
import org.w3c.dom.Document;

class ProvisioningServiceTest {
    private static final Duration TTL = Duration.ofHours(72);
    private static final Path SHIPPED_PHONE_TEMPLATES = Path.of("..", "conf", "phones");

    @TempDir
    Path dataDir;
    @TempDir
    Path configDir;
    private TestCertificate certificate;
    private ProvisioningService service;
    private HttpsClient client;
    private EnrolmentTokens tokens;

    @BeforeEach
    void start() throws Exception {
        certificate = TestCertificate.create();
        AccountSnapshot accounts = TestAccounts.load(configDir);
        Files.writeString(configDir.resolve("devices.csv"), "mac,vendor,model,username,line\n"
                + "00:15:65:12:34:56,yealink,T46U,alice,1\n"
                + "000B82ABCDEF,grandstream,GXP2170,bob,1\n");
        service = ProvisioningService.start(
                new ProvisioningSettings(List.of(TestCertificate.loopback()), 0, URI.create("https://127.0.0.1:8443"),
                        TTL, configDir.resolve("devices.csv"), SHIPPED_PHONE_TEMPLATES, TestCertificate.CIPHER_SUITES,
                        new FileSharingSettings(dataDir.resolve("files"), 100_000_000, Duration.ofDays(30),
                                1L << 30, false)),
                TestAccounts.DOMAIN, () -> accounts, new SipEndpoint("127.0.0.1", 5061, "tls"),
                certificate.keyManager(), Optional.of(certificate.pem()),
                new EnrolmentTokens(dataDir, TTL, Clock.systemUTC()), Clock.systemUTC());
        client = new HttpsClient(certificate, service.port());
        tokens = new EnrolmentTokens(dataDir, TTL, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void anEnrolmentLinkServesTheUsersLinphoneConfigurationOnceThenAnswers410() throws Exception {
        String token = tokens.issue("alice").token();

        HttpResponse<String> first = client.get("/p/" + token);
        assertEquals(200, first.statusCode(), first.body());
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("application/xml"));
        assertTrue(first.body().contains("sips:alice@example.org"), first.body());
        assertFalse(first.body().contains(TestAccounts.password("alice")), "no clear password");

        HttpResponse<String> again = client.get("/p/" + token);
        assertEquals(410, again.statusCode(), "a used token is gone");
        assertFalse(Files.readString(dataDir.resolve("enrolment-tokens")).contains(token), "only its hash is kept");
    }

    @Test
    void aHeadRequestIsRefusedAndDoesNotSpendTheToken() throws Exception {
        String token = tokens.issue("alice").token();
        assertEquals(405, client.head("/p/" + token).statusCode());
        assertEquals(200, client.get("/p/" + token).statusCode());
    }

    @Test
    void anUnknownTokenIs404() throws Exception {
        assertEquals(404, client.get("/p/" + "A".repeat(43)).statusCode());
    }

    @Test
    void aRefreshIsChallengedThenServedForTheUsersOwnSha256OrMd5Credentials() throws Exception {
        HttpResponse<String> unsigned = client.get("/config/alice");
        assertEquals(401, unsigned.statusCode());
        List<String> challenges = HttpsClient.challenges(unsigned);
        assertEquals(2, challenges.size(), challenges.toString());
        assertTrue(challenges.get(0).contains("algorithm=SHA-256"), "SHA-256 is offered first: " + challenges);
        assertTrue(challenges.get(1).contains("algorithm=MD5"), challenges.toString());

        for (DigestAlgorithm algorithm : DigestAlgorithm.values()) {
            HttpResponse<String> signed = client.getSigned("/config/alice", algorithm, "alice", TestAccounts.DOMAIN,
                    TestAccounts.password("alice"));
            assertEquals(200, signed.statusCode(), algorithm + ": " + signed.body());
            assertTrue(signed.body().contains("<entry name=\"username\" overwrite=\"true\">alice</entry>"),
                    signed.body());
        }
    }

    @Test
    void aWrongPasswordIsChallengedAgainAndAnotherUsersConfigurationIsForbidden() throws Exception {
        HttpResponse<String> wrong = client.getSigned("/config/alice", DigestAlgorithm.SHA_256, "alice",
                TestAccounts.DOMAIN, "guess");
        assertEquals(401, wrong.statusCode());

        HttpResponse<String> bobForAlice = client.getSigned("/config/alice", DigestAlgorithm.SHA_256, "bob",
                TestAccounts.DOMAIN, TestAccounts.password("bob"));
        assertEquals(403, bobForAlice.statusCode());
        assertFalse(bobForAlice.body().contains("ha1"), "no credentials in a refusal");
    }

    @Test
    void aSourceWithTooManyFailedFetchesGets429EvenForAGoodToken() throws Exception {
        for (int i = 0; i < ProvisioningSettings.MAX_FAILURES_PER_SOURCE; i++) {
            assertEquals(404, client.get("/p/unknown" + i).statusCode());
        }
        assertEquals(429, client.get("/p/" + tokens.issue("alice").token()).statusCode());
    }

    @Test
    void guessingOneUsersPasswordRefusesThatSourceForThatUserWithoutCheckingTheRightPassword() throws Exception {
        for (int i = 0; i < ProvisioningSettings.MAX_FAILURES_PER_SOURCE_AND_USER; i++) {
            assertEquals(401, client.getSigned("/config/alice", DigestAlgorithm.SHA_256, "alice", TestAccounts.DOMAIN,
                    "guess" + i).statusCode());
        }
        assertEquals(429, client.getSigned("/config/alice", DigestAlgorithm.SHA_256, "alice", TestAccounts.DOMAIN,
                TestAccounts.password("alice")).statusCode(), "the next guess is not even checked");
        assertEquals(200, client.getSigned("/config/bob", DigestAlgorithm.SHA_256, "bob", TestAccounts.DOMAIN,
                TestAccounts.password("bob")).statusCode(), "one user's wrong password does not block the source");
    }

    @Test
    void sprayingOneGuessOverManyUsersBlocksTheSource() throws Exception {
        for (int i = 0; i < ProvisioningSettings.MAX_FAILURES_PER_SOURCE; i++) {
            assertEquals(401, client.getSigned("/directory.vcf", DigestAlgorithm.SHA_256, "user" + i,
                    TestAccounts.DOMAIN, "Summer2026!").statusCode());
        }
        assertEquals(429, client.get("/p/" + tokens.issue("alice").token()).statusCode());
    }

    @Test
    void aResponseWithoutQopIsRefusedEvenWithTheRightPassword() throws Exception {
        String challenge = client.challenge("/config/alice", DigestAlgorithm.MD5);
        String nonce = DigestParams.parse(challenge).orElseThrow().get("nonce");
        DigestAlgorithm md5 = DigestAlgorithm.MD5;
        String ha1 = md5.ha1("alice", TestAccounts.DOMAIN, TestAccounts.password("alice"));
        String rfc2069 = md5.hash(ha1 + ":" + nonce + ":" + md5.hash("GET:/config/alice"));
        HttpResponse<String> reply = client.get("/config/alice", "Digest username=\"alice\", realm=\""
                + TestAccounts.DOMAIN + "\", nonce=\"" + nonce + "\", uri=\"/config/alice\", response=\"" + rfc2069
                + "\"");
        assertEquals(401, reply.statusCode(), "RFC 2069 mode has no nonce count, so replays go unseen");
    }

    @Test
    void aReplayedRequestGetsAStaleChallengeAndAHigherNonceCountIsServed() throws Exception {
        String challenge = client.challenge("/config/alice", DigestAlgorithm.SHA_256);
        String first = HttpsClient.authorization(challenge, "/config/alice", DigestAlgorithm.SHA_256, "alice",
                TestAccounts.DOMAIN, TestAccounts.password("alice"), "00000001");
        assertEquals(200, client.get("/config/alice", first).statusCode());

        HttpResponse<String> replay = client.get("/config/alice", first);
        assertEquals(401, replay.statusCode(), "a captured request must not fetch the configuration again");
        assertTrue(HttpsClient.challenges(replay).stream().allMatch(c -> c.contains("stale=true")),
                HttpsClient.challenges(replay).toString());

        String next = HttpsClient.authorization(challenge, "/config/alice", DigestAlgorithm.SHA_256, "alice",
                TestAccounts.DOMAIN, TestAccounts.password("alice"), "00000002");
        assertEquals(200, client.get("/config/alice", next).statusCode(), "the client's next request on the nonce");
        for (int i = 0; i < ProvisioningSettings.MAX_FAILURES_PER_SOURCE; i++) {
            assertEquals(401, client.get("/config/alice", first).statusCode());
        }
        assertEquals(200, client.getSigned("/config/alice", DigestAlgorithm.SHA_256, "alice", TestAccounts.DOMAIN,
                TestAccounts.password("alice")).statusCode(), "stale nonces are no failures: nothing was blocked");
    }

    @Test
    void twoClientsChallengedInTheSameSecondGetDifferentNonces() throws Exception {
        assertNotEquals(client.challenge("/config/alice", DigestAlgorithm.SHA_256),
                client.challenge("/config/alice", DigestAlgorithm.SHA_256));
    }

    @Test
    void theCaCertificateIsServedWhenPrivate() throws Exception {
        HttpResponse<String> ca = client.get("/ca.pem");
        assertEquals(200, ca.statusCode());
        assertEquals(certificate.pem(), ca.body());
    }

    @Test
    void theDirectoryIsServedSignedInEveryFormatAndSearchable() throws Exception {
        assertEquals(401, client.get("/directory.vcf").statusCode());
        HttpResponse<String> vcards = client.getSigned("/directory.vcf", DigestAlgorithm.SHA_256, "bob",
                TestAccounts.DOMAIN, TestAccounts.password("bob"));
        assertEquals(200, vcards.statusCode());
        assertTrue(vcards.headers().firstValue("Content-Type").orElse("").startsWith("text/vcard"));
        assertTrue(vcards.body().contains("IMPP:sip:alice@example.org"), vcards.body());
        assertTrue(vcards.body().contains("IMPP:sip:carol@example.org"), vcards.body());

        HttpResponse<String> yealink = client.getSigned("/directory/yealink.xml?q=helene", DigestAlgorithm.MD5,
                "alice", TestAccounts.DOMAIN, TestAccounts.password("alice"));
        assertEquals(200, yealink.statusCode());
        assertTrue(yealink.body().contains("<YealinkIPPhoneDirectory>"), yealink.body());
        assertTrue(yealink.body().contains("1003"), yealink.body());
        assertFalse(yealink.body().contains("1001"), "the search keeps only Hélène: " + yealink.body());

        HttpResponse<String> cisco = client.getSigned("/directory/cisco.xml?page=1", DigestAlgorithm.SHA_256,
                "alice", TestAccounts.DOMAIN, TestAccounts.password("alice"));
        assertEquals(200, cisco.statusCode());
        assertTrue(cisco.body().contains("<CiscoIPPhoneDirectory>"), cisco.body());
        assertEquals(404, client.getSigned("/directory/cisco.xml?page=2", DigestAlgorithm.SHA_256, "alice",
                TestAccounts.DOMAIN, TestAccounts.password("alice")).statusCode());
    }

    @Test
    void aYealinkPhoneGetsItsUsersAccountByMacAndTheCommonFile() throws Exception {
        HttpResponse<String> phone = client.getSigned("/001565123456.cfg", DigestAlgorithm.SHA_256, "alice",
                TestAccounts.DOMAIN, TestAccounts.password("alice"));
        assertEquals(200, phone.statusCode(), phone.body());
        assertTrue(phone.body().startsWith("#!version:1.0.0.1\n"), phone.body());
        assertTrue(phone.body().contains("account.1.user_name = alice\n"), phone.body());
        assertTrue(phone.body().contains("account.1.display_name = Alice Martin\n"), phone.body());
        assertTrue(phone.body().contains("account.1.sip_server.1.address = 127.0.0.1\n"), phone.body());
        assertTrue(phone.body().contains("account.1.sip_server.1.port = 5061\n"), phone.body());
        assertTrue(phone.body().contains("account.1.sip_server.1.transport_type = 2\n"), phone.body());
        assertFalse(phone.body().contains("{{"), "every placeholder filled");

        HttpResponse<String> common = client.getSigned("/y000000000044.cfg", DigestAlgorithm.MD5, "alice",
                TestAccounts.DOMAIN, TestAccounts.password("alice"));
        assertEquals(200, common.statusCode());
        assertTrue(common.body().contains("remote_phonebook.data.1.url = https://127.0.0.1:8443/directory/yealink.xml"),
                common.body());
    }

    @Test
    void anUnknownMacIs404AndAnotherUsersPhoneIs403() throws Exception {
        assertEquals(401, client.get("/001565123456.cfg").statusCode(), "nothing about a phone before signing");
        assertEquals(404, client.getSigned("/001565999999.cfg", DigestAlgorithm.SHA_256, "alice", TestAccounts.DOMAIN,
                TestAccounts.password("alice")).statusCode());
        assertEquals(403, client.getSigned("/001565123456.cfg", DigestAlgorithm.SHA_256, "bob", TestAccounts.DOMAIN,
                TestAccounts.password("bob")).statusCode());
    }

    @Test
    void aGrandstreamPhoneGetsWellFormedXmlWithItsUsersAccount() throws Exception {
        HttpResponse<String> phone = client.getSigned("/cfg000b82abcdef.xml", DigestAlgorithm.SHA_256, "bob",
                TestAccounts.DOMAIN, TestAccounts.password("bob"));
        assertEquals(200, phone.statusCode(), phone.body());
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(phone.body().getBytes(StandardCharsets.UTF_8)));
        assertEquals("bob", xml.getElementsByTagName("P35").item(0).getTextContent());
        assertEquals("Bob \"Bobby\" Durand", xml.getElementsByTagName("P3").item(0).getTextContent());
        assertEquals("000b82abcdef", xml.getElementsByTagName("mac").item(0).getTextContent());
    }

    @Test
    void anOversizedRequestHeadIsRefused() throws Exception {
        HttpResponse<String> huge = client.get("/p/" + "x".repeat(ProvisioningSettings.MAX_HEADER_BYTES));
        assertTrue(huge.statusCode() == 400 || huge.statusCode() == 414, "status " + huge.statusCode());
    }
}
