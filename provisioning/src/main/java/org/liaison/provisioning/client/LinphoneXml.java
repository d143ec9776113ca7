package org.liaison.provisioning.client;

import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.DigestAlgorithm;

/**
 * A user's Linphone remote provisioning file (liblinphone's {@code lpconfig.xsd}): one
 * {@code <section>} per linphonerc section, one {@code <entry>} per key.
 *
 * <p>Every entry carries {@code overwrite="true"}: without it Linphone keeps a value the user already
 * has. Credentials are always included, as HA1 per algorithm and never the clear password, because
 * Linphone drops every stored credential before it applies a provisioning file. SHA-256 comes first
 * ({@code auth_info_0}); the MD5 HA1 follows for challenges that offer only MD5.
 *
 * <p>No {@code root_ca} entry: liblinphone reads {@code [sip] root_ca} as a file path on the device
 * ({@code certificates_config_read}), so a private CA cannot travel in this file; the onboarding
 * page points to {@link ClientUrls#CA_CERTIFICATE} instead.
 */
public final class LinphoneXml {
    public static final String NAMESPACE = "http://www.linphone.org/xsds/lpconfig.xsd";
    private static final int REGISTER_EXPIRES_SECONDS = 3600;
    private static final List<DigestAlgorithm> CREDENTIAL_ORDER = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);

    private final String domain;
    private final SipEndpoint sip;
    private final ClientUrls urls;

    public LinphoneXml(String domain, SipEndpoint sip, ClientUrls urls) {
        this.domain = domain;
        this.sip = sip;
        this.urls = urls;
    }

    /** The whole file for {@code account}, UTF-8 XML text. */
    public String render(Account account) {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> media = new LinkedHashMap<>();
        media.put("default_proxy", "0");
        media.put("media_encryption", "srtp");
        media.put("media_encryption_mandatory", "1");
        // the directory as one list subscription (RFC 4662) to the server's RLS, instead of one per person;
        // liblinphone reads [sip] rls_uri (FriendList::getRlsAddressWithCoreFallback), default Flexisip's
        media.put("rls_uri", "sip:rls@" + domain);
        sections.put("sip", media);
        sections.put("proxy_0", proxy(account));
        int index = 0;
        for (DigestAlgorithm algorithm : CREDENTIAL_ORDER) {
            String ha1 = account.credentials().ha1(algorithm).orElse(null);
            if (ha1 != null) {
                sections.put("auth_info_" + index++, credential(account, algorithm, ha1));
            }
        }
        Map<String, String> misc = new LinkedHashMap<>();
        // Linphone refetches this at every start: later versions of this file reach the phone
        misc.put("config-uri", urls.config(account.username()));
        misc.put("contacts-vcard-list", urls.directoryVcards());
        // liblinphone reads [misc] file_transfer_server_url (linphone_core_get_file_transfer_server):
        // without it the attach button of a chat fails
        misc.put("file_transfer_server_url", urls.fileUpload());
        sections.put("misc", misc);
        return write(sections);
    }

    private Map<String, String> proxy(Account account) {
        Map<String, String> proxy = new LinkedHashMap<>();
        proxy.put("reg_identity", identity(account));
        proxy.put("reg_proxy", sip.proxyUri());
        proxy.put("reg_route", sip.routeUri());
        proxy.put("reg_expires", Integer.toString(REGISTER_EXPIRES_SECONDS));
        proxy.put("reg_sendregister", "1");
        proxy.put("realm", domain);
        // the user's own presence (RFC 3903 PUBLISH), which the list shows the others
        proxy.put("publish", "1");
        proxy.put("dial_escape_plus", "0");
        return proxy;
    }

    private Map<String, String> credential(Account account, DigestAlgorithm algorithm, String ha1) {
        Map<String, String> auth = new LinkedHashMap<>();
        auth.put("username", account.username());
        auth.put("userid", account.username());
        auth.put("ha1", ha1);
        auth.put("realm", domain);
        auth.put("domain", domain);
        auth.put("algorithm", algorithm.token());
        return auth;
    }

    private String identity(Account account) {
        String uri = sip.scheme() + ":" + account.username() + "@" + domain;
        if (account.displayName().isBlank()) {
            return uri;
        }
        String quoted = account.displayName().replace("\\", "\\\\").replace("\"", "\\\"");
        return "\"" + quoted + "\" <" + uri + ">";
    }

    private static String write(Map<String, Map<String, String>> sections) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("config");
            xml.writeDefaultNamespace(NAMESPACE);
            for (Map.Entry<String, Map<String, String>> section : sections.entrySet()) {
                xml.writeCharacters("\n  ");
                xml.writeStartElement("section");
                xml.writeAttribute("name", section.getKey());
                for (Map.Entry<String, String> entry : section.getValue().entrySet()) {
                    xml.writeCharacters("\n    ");
                    xml.writeStartElement("entry");
                    xml.writeAttribute("name", entry.getKey());
                    xml.writeAttribute("overwrite", "true");
                    xml.writeCharacters(entry.getValue());
                    xml.writeEndElement();
                }
                xml.writeCharacters("\n  ");
                xml.writeEndElement();
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing XML to a string cannot fail", e);
        }
        return text.toString();
    }
}
