package org.liaison.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sip.tls.acme.*} (issue 15): off as shipped, the names an admin expects by default, bad values named. */
class AcmeSettingsTest {
    private static final String ON = "sip.domain = example.org\nsip.tls.port = 5061\n"
            + "sip.tls.acme.directory-url = https://acme.example.net/directory\n";

    @TempDir
    Path dir;

    @Test
    void theShippedConfigurationHasAcmeOffWithTheChallengeOnPort80() throws Exception {
        AcmeSettings acme = LiaisonConfig.load(Path.of("..", "conf")).tls().acme();
        assertFalse(acme.enabled());
        assertEquals(80, acme.httpPort());
        assertEquals(Duration.ofSeconds(30), acme.clusterPoll(), "a cluster's nodes look for a new certificate");
        assertEquals(List.of("liaison.local"), acme.names(), "sip.domain, also http.public-url's host by default");
    }

    @Test
    void theNamesDefaultToTheSipDomainAndTheProvisioningHost() throws Exception {
        write(ON + "http.public-url = https://Phones.Example.org:8443/setup\nsip.tls.acme.email = it@example.org\n"
                + "sip.tls.acme.ca-file = acme-ca.pem\n");
        Files.writeString(dir.resolve("acme-ca.pem"), "");
        AcmeSettings acme = LiaisonConfig.load(dir).tls().acme();
        assertEquals(new AcmeSettings(Optional.of(URI.create("https://acme.example.net/directory")), "it@example.org",
                List.of("example.org", "phones.example.org"), Optional.of(dir.resolve("acme-ca.pem")), 80,
                Duration.ofSeconds(30), List.of("http-01", "tls-alpn-01")), acme);
    }

    @Test
    void bothChallengesAreTriedByDefaultAsCaddyDoesAndTlsAlpn01NeedsTheHttpsService() throws Exception {
        write(ON + "sip.tls.acme.challenge = TLS-ALPN-01\nsip.tls.acme.http-port = 0\n");
        AcmeSettings alpnOnly = LiaisonConfig.load(dir).tls().acme();
        assertEquals(List.of("tls-alpn-01"), alpnOnly.challenges(), "no port 80 needed");
        assertTrue(alpnOnly.answersTlsAlpn01());
        write(ON + "http.port = 0\n");
        assertEquals(List.of("http-01"), LiaisonConfig.load(dir).tls().acme().challenges(),
                "no HTTPS service: HTTP-01 alone by default");
        write(ON + "http.port = 0\nsip.tls.acme.challenge = tls-alpn-01\n");
        assertProblem("sip.tls.acme.challenge: names tls-alpn-01, which is answered on the HTTPS service, but http.port"
                + " is 0");
        write(ON + "sip.tls.acme.challenge = dns-01\n");
        assertProblem("sip.tls.acme.challenge: \"dns-01\" is not http-01 or tls-alpn-01");
        write("http.port = 0\nsip.tls.acme.challenge = tls-alpn-01\n");
        assertFalse(LiaisonConfig.load(dir).tls().acme().answersTlsAlpn01(), "ACME off: nothing to refuse");
    }

    @Test
    void listedNamesMayBeAddressesAndAreTakenOnce() throws Exception {
        write(ON + "sip.tls.acme.names = sip.example.org, 192.0.2.10, SIP.example.org\n");
        assertEquals(List.of("sip.example.org", "192.0.2.10"), LiaisonConfig.load(dir).tls().acme().names());
    }

    @Test
    void anAdminCertificateAndAcmeExcludeEachOther() throws IOException {
        write(ON + "sip.tls.certificate = fullchain.pem\nsip.tls.private-key = privkey.pem\n");
        assertProblem("sip.tls.acme.directory-url: is set, and so is sip.tls.certificate");
    }

    @Test
    void badValuesAreRefusedNamingTheirKey() throws IOException {
        write("sip.tls.acme.directory-url = http://acme.example.net/directory\n");
        assertProblem("sip.tls.acme.directory-url: \"http://acme.example.net/directory\" is not an https:// URL");
        write(ON + "sip.tls.acme.names = *.example.org\n");
        assertProblem("sip.tls.acme.names: \"*.example.org\" is not a host name or IP address");
        write(ON + "sip.tls.acme.ca-file = missing.pem\n");
        assertProblem("sip.tls.acme.ca-file: " + dir.resolve("missing.pem") + " is not a readable file");
        write(ON + "sip.tls.acme.http-port = 0\n");
        assertProblem("sip.tls.acme.http-port: is 0");
        write(ON + "sip.tls.acme.email = mailto:it\n");
        assertProblem("sip.tls.acme.email: \"mailto:it\" is not an e-mail address");
        write(ON + "sip.tls.acme.cluster-poll-interval-ms = 10\n");
        assertProblem("sip.tls.acme.cluster-poll-interval-ms");
    }

    private void assertProblem(String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> LiaisonConfig.load(dir));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private void write(String properties) throws IOException {
        Files.writeString(dir.resolve(LiaisonConfig.FILE_NAME), properties);
    }
}
