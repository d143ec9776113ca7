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

    /** The defaults above, for {@code domain}. */
    public static RegistrarSettings defaults(String domain) {
        return new RegistrarSettings(domain, 3600, 60, 86400, 10);
    }
}
