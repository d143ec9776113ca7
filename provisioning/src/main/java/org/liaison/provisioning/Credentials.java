package org.liaison.provisioning;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A user's secrets as the server keeps them: one HA1 per digest algorithm, never the clear
 * password. {@link #toString()} never shows a secret.
 */
public final class Credentials {
    private final Map<DigestAlgorithm, String> ha1ByAlgorithm;

    public Credentials(Map<DigestAlgorithm, String> ha1ByAlgorithm) {
        if (ha1ByAlgorithm.isEmpty()) {
            throw new IllegalArgumentException("credentials need at least one HA1");
        }
        this.ha1ByAlgorithm = Collections.unmodifiableMap(new EnumMap<>(ha1ByAlgorithm));
    }

    /** Credentials for every supported algorithm, derived from a clear password. */
    public static Credentials fromPassword(String username, String realm, String password) {
        Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            ha1.put(a, a.ha1(username, realm, password));
        }
        return new Credentials(ha1);
    }

    /** The HA1 for {@code algorithm}, when this account has one. */
    public Optional<String> ha1(DigestAlgorithm algorithm) {
        return Optional.ofNullable(ha1ByAlgorithm.get(algorithm));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && c.ha1ByAlgorithm.equals(ha1ByAlgorithm);
    }

    @Override
    public int hashCode() {
        return ha1ByAlgorithm.hashCode();
    }

    @Override
    public String toString() {
        return "Credentials" + ha1ByAlgorithm.keySet();
    }
}
