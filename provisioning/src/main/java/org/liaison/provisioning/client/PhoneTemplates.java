package org.liaison.provisioning.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.Device;

/**
 * Desk phone files from the admin's templates in {@code conf/phones/}, read at each request so an
 * edit applies to the next fetch. A template is the vendor's own file with {@code {{name}}}
 * placeholders; the names are those of {@link #forPhone} and {@link #common}. In {@code .xml}
 * templates values are XML-escaped; in the others line breaks are removed, so no value can add a
 * setting. An unknown placeholder is an error naming the template, never silently left empty.
 *
 * <p>No password placeholder: Liaison keeps only HA1 values and these phones need the clear SIP
 * password, which the admin enters on the phone (the same one it uses to fetch this file).
 */
public final class PhoneTemplates {
    public static final String YEALINK_PHONE = "yealink-phone.cfg";
    public static final String YEALINK_COMMON = "yealink-common.cfg";
    public static final String GRANDSTREAM_PHONE = "grandstream-phone.xml";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-z_]+)\\}\\}");

    private final Path directory;
    private final String domain;
    private final SipEndpoint sip;
    private final ClientUrls urls;

    public PhoneTemplates(Path directory, String domain, SipEndpoint sip, ClientUrls urls) {
        this.directory = directory;
        this.domain = domain;
        this.sip = sip;
        this.urls = urls;
    }

    /** The file of {@code device}, which carries {@code account}. */
    public String forPhone(Device device, Account account) throws IOException {
        Map<String, String> values = commonValues();
        values.put("mac", device.mac());
        values.put("line", Integer.toString(device.line()));
        values.put("username", account.username());
        values.put("display_name", account.displayName().isBlank() ? account.username() : account.displayName());
        values.put("extension", account.extension().orElse(""));
        String template = device.vendor() == Device.Vendor.YEALINK ? YEALINK_PHONE : GRANDSTREAM_PHONE;
        return render(template, values);
    }

    /** The settings every phone of a vendor shares (Yealink's {@code y0000000000xx.cfg}). */
    public String common(String template) throws IOException {
        return render(template, commonValues());
    }

    private Map<String, String> commonValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("domain", domain);
        values.put("sip_server", sip.host());
        values.put("sip_port", Integer.toString(sip.port()));
        values.put("transport", sip.transport());
        // Yealink's account.N.sip_server.1.transport_type and Grandstream's P130: 0 UDP, 1 TCP, 2 TLS
        values.put("transport_code", sip.secure() ? "2" : sip.transport().equals("tcp") ? "1" : "0");
        values.put("yealink_directory_url", urls.yealinkDirectory());
        values.put("cisco_directory_url", urls.ciscoDirectoryPage(1, Optional.empty()));
        return values;
    }

    private String render(String template, Map<String, String> values) throws IOException {
        String text = Files.readString(directory.resolve(template), StandardCharsets.UTF_8);
        boolean xml = template.endsWith(".xml");
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IOException(directory.resolve(template) + ": unknown placeholder {{" + m.group(1)
                        + "}}; known: " + values.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(xml ? escapeXml(value) : oneLine(value)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String oneLine(String value) {
        return value.replace("\r", "").replace("\n", "");
    }

    private static String escapeXml(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&apos;");
    }
}
