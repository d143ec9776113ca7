package org.liaison.provisioning;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A desk phone as the admin declared it in devices.csv: which user's account it carries, on
 * which line key.
 *
 * @param mac      its MAC address, 12 lower-case hex digits, the name it fetches its files by
 * @param vendor   whose configuration format it reads
 * @param model    the model, for the admin (e.g. T46U); may be empty
 * @param username the user whose account it registers
 * @param line     the account line (1 = the first line key)
 */
public record Device(String mac, Vendor vendor, String model, String username, int line) {
    public static final int MAX_LINE = 16;
    private static final Pattern MAC = Pattern.compile("[0-9a-f]{12}");

    /** The phone makers whose provisioning files Liaison writes. */
    public enum Vendor {
        YEALINK, GRANDSTREAM;

        static Optional<Vendor> parse(String text) {
            for (Vendor v : values()) {
                if (v.name().equalsIgnoreCase(text.strip())) {
                    return Optional.of(v);
                }
            }
            return Optional.empty();
        }
    }

    public Device {
        if (!MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("not a normalised MAC address: " + mac);
        }
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(username, "username");
        if (line < 1 || line > MAX_LINE) {
            throw new IllegalArgumentException("line out of range: " + line);
        }
    }

    /** {@code 00:15:65:AB:CD:EF}, {@code 00-15-65-ab-cd-ef} or {@code 001565abcdef} as 12 lower-case hex digits. */
    public static Optional<String> normalizeMac(String text) {
        String mac = text.strip().replace(":", "").replace("-", "").toLowerCase(Locale.ROOT);
        return MAC.matcher(mac).matches() ? Optional.of(mac) : Optional.empty();
    }
}
