package org.liaison.sip.config;

import java.util.Locale;
import java.util.Objects;

/**
 * How the registrar treats REGISTER requests.
 *
 * @param domain                the SIP domain whose address-of-records we keep ({@code example.org})
 * @param defaultExpiresSeconds lifetime of a binding when the REGISTER names none (RFC 3261 §10.3 step 7; 3600)
 * @param minExpiresSeconds     shorter non-zero lifetimes are refused with 423 (RFC 3261 §10.3 step 7; 60)
 * @param maxExpiresSeconds     longer lifetimes are shortened to this (RFC 3261 §10.3 step 7; 86400)
 * @param maxContactsPerUser    a further device is refused with 403 (10)
 */
public record RegistrarSettings(String domain, int defaultExpiresSeconds, int minExpiresSeconds,
        int maxExpiresSeconds, int maxContactsPerUser) {

    public RegistrarSettings {
        Objects.requireNonNull(domain, "domain");
        domain = domain.strip().toLowerCase(Locale.ROOT);
        if (domain.isEmpty()) {
            throw new IllegalArgumentException("domain must not be empty");
        }
        if (minExpiresSeconds < 1) {
            throw new IllegalArgumentException("minExpiresSeconds must be at least 1: " + minExpiresSeconds);
        }
        if (maxExpiresSeconds < minExpiresSeconds) {
            throw new IllegalArgumentException("maxExpiresSeconds (" + maxExpiresSeconds
                    + ") must not be below minExpiresSeconds (" + minExpiresSeconds + ")");
        }
        if (defaultExpiresSeconds < minExpiresSeconds || defaultExpiresSeconds > maxExpiresSeconds) {
            throw new IllegalArgumentException("defaultExpiresSeconds (" + defaultExpiresSeconds
                    + ") must lie between minExpiresSeconds and maxExpiresSeconds");
        }
        if (maxContactsPerUser < 1) {
            throw new IllegalArgumentException("maxContactsPerUser must be at least 1: " + maxContactsPerUser);
        }
    }

    /** The {@code registrar.*} keys, for the SIP domain {@code domain}. */
    static RegistrarSettings from(ConfigReader r, String domain) throws ConfigException {
        int min = r.integer("registrar.min-expires-seconds", 60, 1, 86400);
        int max = r.integer("registrar.max-expires-seconds", 86400, 1, 7 * 86400);
        int def = r.integer("registrar.default-expires-seconds", 3600, 1, 7 * 86400);
        if (max < min) {
            throw r.problem("registrar.max-expires-seconds", max + " is below registrar.min-expires-seconds " + min);
        }
        if (def < min || def > max) {
            throw r.problem("registrar.default-expires-seconds", def + " is outside registrar.min-expires-seconds"
                    + " and registrar.max-expires-seconds (" + min + "-" + max + ")");
        }
        int contacts = r.integer("registrar.max-contacts-per-user", 10, 1, 1000);
        return new RegistrarSettings(domain, def, min, max, contacts);
    }

    /** The defaults above, for {@code domain}. */
    public static RegistrarSettings defaults(String domain) {
        return new RegistrarSettings(domain, 3600, 60, 86400, 10);
    }
}
