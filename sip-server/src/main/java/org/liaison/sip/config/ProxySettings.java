package org.liaison.sip.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Proxy policy.
 *
 * @param inviteTimeout   RFC 3261 §16.8 timer C: a branch that rings longer is cancelled
 * @param foreignDomains  domains other than ours that local users may send requests to; empty means
 *                        none (no open relay: toll fraud)
 * @param destinations    addresses the server may send to at all
 */
public record ProxySettings(Duration inviteTimeout, Set<String> foreignDomains, DestinationPolicy destinations) {
    public ProxySettings {
        foreignDomains = Set.copyOf(foreignDomains);
    }

    static ProxySettings from(ConfigReader r) throws ConfigException {
        Duration timerC = r.seconds("proxy.invite-timeout-seconds", 120, 10, 600);
        Set<String> foreign = r.list("proxy.foreign-domains", "").stream()
                .map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        DestinationPolicy destinations = new DestinationPolicy(r.list("security.allowed-destinations", "",
                "an address range like 127.0.0.0/8 or ::1/128", AddressRange::parse));
        return new ProxySettings(timerC, foreign, destinations);
    }
}
