package org.liaison.provisioning.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.Credentials;
import org.liaison.provisioning.DigestAlgorithm;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class LinphoneXmlTest {
    private static final String DOMAIN = "example.org";
    private static final String PASSWORD = "s3cret-Pa55";
    private final Credentials credentials = Credentials.fromPassword("alice", DOMAIN, PASSWORD);
    private final Account alice = new Account("alice", "Alice \"Al\" <Martin> & Co", Optional.of("1001"),
            Set.of("staff"), credentials);
    private final LinphoneXml xml = new LinphoneXml(DOMAIN, new SipEndpoint("192.0.2.10", 5061, "tls"),
            new ClientUrls(URI.create("https://sip.example.org:8443/")));

    /** section name → entry name → value, read back with a namespace-aware parser. */
    private static Map<String, Map<String, String>> parse(String text) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        Element config = doc.getDocumentElement();
        assertEquals("config", config.getLocalName());
        assertEquals(LinphoneXml.NAMESPACE, config.getNamespaceURI());
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        NodeList sectionNodes = config.getElementsByTagNameNS(LinphoneXml.NAMESPACE, "section");
        for (int i = 0; i < sectionNodes.getLength(); i++) {
            Element section = (Element) sectionNodes.item(i);
            Map<String, String> entries = new LinkedHashMap<>();
            NodeList entryNodes = section.getElementsByTagNameNS(LinphoneXml.NAMESPACE, "entry");
            for (int j = 0; j < entryNodes.getLength(); j++) {
                Element entry = (Element) entryNodes.item(j);
                assertEquals("true", entry.getAttribute("overwrite"), "overwrite on " + entry.getAttribute("name"));
                entries.put(entry.getAttribute("name"), entry.getTextContent());
            }
            sections.put(section.getAttribute("name"), entries);
        }
        return sections;
    }

    @Test
    void theFileParsesInTheLpconfigNamespaceWithEveryEntryOverwriting() throws Exception {
        Map<String, Map<String, String>> sections = parse(xml.render(alice));
        assertEquals(Set.of("sip", "proxy_0", "auth_info_0", "auth_info_1", "misc"), sections.keySet());
    }

    @Test
    void theAccountRegistersWithASipsIdentityOverTls() throws Exception {
        Map<String, String> proxy = parse(xml.render(alice)).get("proxy_0");
        assertEquals("\"Alice \\\"Al\\\" <Martin> & Co\" <sips:alice@example.org>", proxy.get("reg_identity"));
        assertEquals("<sip:192.0.2.10:5061;transport=tls>", proxy.get("reg_proxy"));
        assertEquals("<sip:192.0.2.10:5061;transport=tls;lr>", proxy.get("reg_route"));
        assertEquals("1", proxy.get("reg_sendregister"));
        assertEquals(DOMAIN, proxy.get("realm"));
    }

    @Test
    void thePhoneWatchesTheDirectoryAsOneListAndPublishesItsOwnPresence() throws Exception {
        Map<String, Map<String, String>> sections = parse(xml.render(alice));
        assertEquals("sip:rls@" + DOMAIN, sections.get("sip").get("rls_uri"));
        assertEquals("1", sections.get("proxy_0").get("publish"));
    }

    @Test
    void credentialsAreHa1PerAlgorithmSha256FirstAndNeverTheClearPassword() throws Exception {
        String text = xml.render(alice);
        Map<String, Map<String, String>> sections = parse(text);
        assertEquals("SHA-256", sections.get("auth_info_0").get("algorithm"));
        assertEquals(credentials.ha1(DigestAlgorithm.SHA_256).orElseThrow(), sections.get("auth_info_0").get("ha1"));
        assertEquals("MD5", sections.get("auth_info_1").get("algorithm"));
        assertEquals(credentials.ha1(DigestAlgorithm.MD5).orElseThrow(), sections.get("auth_info_1").get("ha1"));
        assertEquals("alice", sections.get("auth_info_0").get("username"));
        assertFalse(text.contains(PASSWORD));
        assertFalse(text.contains("passwd"));
    }

    @Test
    void srtpIsMandatoryAndTheFileNamesItsOwnRefreshAndTheDirectory() throws Exception {
        Map<String, Map<String, String>> sections = parse(xml.render(alice));
        assertEquals("srtp", sections.get("sip").get("media_encryption"));
        assertEquals("1", sections.get("sip").get("media_encryption_mandatory"));
        assertEquals("https://sip.example.org:8443/config/alice", sections.get("misc").get("config-uri"));
        assertEquals("https://sip.example.org:8443/directory.vcf", sections.get("misc").get("contacts-vcard-list"));
        assertEquals("https://sip.example.org:8443/files", sections.get("misc").get("file_transfer_server_url"),
                "liblinphone's [misc] key: phones can attach files at once");
    }

    @Test
    void withoutTlsTheIdentityIsSipOverTheGivenTransportAndIpv6IsBracketed() throws Exception {
        LinphoneXml plain = new LinphoneXml(DOMAIN, new SipEndpoint("2001:db8::1", 5060, "tcp"),
                new ClientUrls(URI.create("https://sip.example.org:8443")));
        Map<String, String> proxy = parse(plain.render(alice)).get("proxy_0");
        assertTrue(proxy.get("reg_identity").endsWith("<sip:alice@example.org>"));
        assertEquals("<sip:[2001:db8::1]:5060;transport=tcp>", proxy.get("reg_proxy"));
    }
}
