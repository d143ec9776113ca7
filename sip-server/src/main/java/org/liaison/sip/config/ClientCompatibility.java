package org.liaison.sip.config;

import java.util.List;

/**
 * Allowances for clients that deviate from the RFCs in ways that would otherwise lock their users out.
 *
 * @param md5OnlyUserAgents User-Agent substrings (case-insensitive) of clients that get only the MD5
 *                          challenge, because they fail on a challenge set containing SHA-256 (baresip 1.0)
 */
public record ClientCompatibility(List<String> md5OnlyUserAgents) {
    public ClientCompatibility {
        md5OnlyUserAgents = List.copyOf(md5OnlyUserAgents);
    }

    static ClientCompatibility from(ConfigReader r) {
        return new ClientCompatibility(r.list("auth.md5-only-user-agents", "baresip"));
    }
}
