package org.liaison.provisioning.http;

import java.io.IOException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.DeskPhones;
import org.liaison.provisioning.Device;
import org.liaison.provisioning.client.PhoneTemplates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Desk phone files by the names the phones ask for: Yealink {@code /<mac>.cfg} and its common
 * {@code /y0000000000xx.cfg}, Grandstream {@code /cfg<mac>.xml}. A phone signs its request with the
 * SIP credentials of the user it is assigned to, and gets only that user's account.
 */
final class DeskPhoneReplies {
    private static final Logger log = LoggerFactory.getLogger(DeskPhoneReplies.class);
    private static final Pattern YEALINK_PHONE = Pattern.compile("/([0-9A-Fa-f]{12})\\.cfg");
    private static final Pattern YEALINK_COMMON = Pattern.compile("/y0000000000[0-9A-Za-z]{2}\\.cfg");
    private static final Pattern GRANDSTREAM_PHONE = Pattern.compile("/cfg([0-9A-Fa-f]{12})(?:\\.xml)?");
    private static final String YEALINK_TYPE = "text/plain; charset=utf-8";
    private static final String GRANDSTREAM_TYPE = "application/xml; charset=utf-8";

    private final DeskPhones phones;
    private final PhoneTemplates templates;
    private final Supplier<AccountSnapshot> accounts;

    DeskPhoneReplies(DeskPhones phones, PhoneTemplates templates, Supplier<AccountSnapshot> accounts) {
        this.phones = phones;
        this.templates = templates;
        this.accounts = accounts;
    }

    static boolean serves(String path) {
        return YEALINK_PHONE.matcher(path).matches() || YEALINK_COMMON.matcher(path).matches()
                || GRANDSTREAM_PHONE.matcher(path).matches();
    }

    /** The file a phone asked for with {@code signer}'s credentials. */
    Reply answer(String path, Account signer) {
        try {
            if (YEALINK_COMMON.matcher(path).matches()) {
                return Reply.ok(YEALINK_TYPE, templates.common(PhoneTemplates.YEALINK_COMMON), signer.username());
            }
            Matcher yealink = YEALINK_PHONE.matcher(path);
            if (yealink.matches()) {
                return phoneFile(yealink.group(1), Device.Vendor.YEALINK, signer, YEALINK_TYPE);
            }
            Matcher grandstream = GRANDSTREAM_PHONE.matcher(path);
            grandstream.matches();
            return phoneFile(grandstream.group(1), Device.Vendor.GRANDSTREAM, signer, GRANDSTREAM_TYPE);
        } catch (IOException e) {
            log.error("desk phone template: {}", e.getMessage());
            return Reply.error(500, "the phone template is broken; see the server log", signer.username());
        }
    }

    private Reply phoneFile(String mac, Device.Vendor vendor, Account signer, String contentType) throws IOException {
        Optional<Device> device = phones.byMac(mac).filter(d -> d.vendor() == vendor);
        if (device.isEmpty()) {
            log.warn("desk phone {} ({}) asked for its file but is not in devices.csv", mac, vendor);
            return Reply.error(404, "unknown phone", signer.username());
        }
        if (!device.get().username().equals(signer.username())) {
            return Reply.error(403, "this phone belongs to another user", signer.username());
        }
        Optional<Account> account = accounts.get().byUsername(device.get().username());
        if (account.isEmpty()) {
            return Reply.error(404, "unknown phone", signer.username());
        }
        return Reply.ok(contentType, templates.forPhone(device.get(), account.get()), signer.username());
    }
}
