package org.liaison.sip.config;

import java.util.Locale;

/**
 * When calls go through the media relay and which offers are accepted.
 *
 * @param relay      {@code always}, {@code never}, or {@code nat-only}: only when a party's media
 *                   address is not where its signalling came from (see {@code MediaAnchor})
 * @param encryption {@code mandatory}: an offer without SRTP keyed safely (DTLS fingerprint, ZRTP, or
 *                   SDES over TLS) is refused with 488; {@code optional}: any offer passes
 * @param maxRelayedCallsPerUser relayed calls one caller may have at once; the next gets 403
 *                   (each holds relay ports: one user must not take them all)
 */
public record MediaSettings(RelayPolicy relay, Encryption encryption, int maxRelayedCallsPerUser) {

    /** The shipped default of {@code media.max-relayed-calls-per-user}. */
    public static final int DEFAULT_MAX_RELAYED_CALLS_PER_USER = 10;

    public MediaSettings {
        if (maxRelayedCallsPerUser < 1) {
            throw new IllegalArgumentException("a user must be allowed at least one relayed call");
        }
    }

    /** The given policies, and the shipped per-user limit. */
    public MediaSettings(RelayPolicy relay, Encryption encryption) {
        this(relay, encryption, DEFAULT_MAX_RELAYED_CALLS_PER_USER);
    }

    public enum RelayPolicy { ALWAYS, NEVER, NAT_ONLY }

    public enum Encryption { MANDATORY, OPTIONAL }

    /**
     * {@code cluster} and {@code relays}: a node of a cluster relays calls only through the standalone relays of
     * {@code relay.servers}, which every node shares; a call relayed inside a node would die with it, and no other
     * node could update or end it.
     */
    static MediaSettings from(ConfigReader r, ClusterSettings cluster, RelaySettings relays) throws ConfigException {
        String relay = r.string("media.relay", "always");
        RelayPolicy policy = switch (relay.toLowerCase(Locale.ROOT)) {
            case "always" -> RelayPolicy.ALWAYS;
            case "never" -> RelayPolicy.NEVER;
            case "nat-only" -> RelayPolicy.NAT_ONLY;
            default -> throw r.problem("media.relay", ConfigReader.quoted(relay) + " is not always, never or nat-only");
        };
        String encryption = r.string("media.encryption", "mandatory");
        Encryption required = switch (encryption.toLowerCase(Locale.ROOT)) {
            case "mandatory" -> Encryption.MANDATORY;
            case "optional" -> Encryption.OPTIONAL;
            default -> throw r.problem("media.encryption", ConfigReader.quoted(encryption)
                    + " is not mandatory or optional");
        };
        int perUser = r.integer("media.max-relayed-calls-per-user", DEFAULT_MAX_RELAYED_CALLS_PER_USER, 1, 100_000);
        if (policy != RelayPolicy.NEVER && cluster.clustered() && relays.servers().isEmpty()) {
            throw r.problem("relay.servers", "is empty but cluster.redis-uri is set: a call relayed inside this node"
                    + " would die with it and no other node could update or end it; list the standalone relays"
                    + " (bin/liaison relay) every node shares, or set media.relay = never");
        }
        return new MediaSettings(policy, required, perUser);
    }
}
