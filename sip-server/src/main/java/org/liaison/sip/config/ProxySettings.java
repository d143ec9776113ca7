package org.liaison.sip.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
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
 * @param dialogMaxAge    how long the Record-Route token of a dialog stays valid: in-dialog requests of
 *                        an older dialog are refused
 * @param edgeProxies     addresses of the edge proxies whose REGISTERs may carry a Path (RFC 3327);
 *                        empty means none, so no client chooses the server's next hop
 */
public record ProxySettings(Duration inviteTimeout, Set<String> foreignDomains, DestinationPolicy destinations,
        Duration dialogMaxAge, List<AddressRange> edgeProxies) {
    public ProxySettings {
        foreignDomains = Set.copyOf(foreignDomains);
        edgeProxies = List.copyOf(edgeProxies);
    }

    /** Whether {@code source} is one of the configured edge proxies. */
    public boolean isEdgeProxy(InetAddress source) {
        return source != null && edgeProxies.stream().anyMatch(range -> range.contains(source));
    }

    static ProxySettings from(ConfigReader r) throws ConfigException {
        Duration timerC = r.seconds("proxy.invite-timeout-seconds", 120, 10, 600);
        Set<String> foreign = r.list("proxy.foreign-domains", "").stream()
                .map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        DestinationPolicy destinations = new DestinationPolicy(r.list("security.allowed-destinations", "",
                "an address range like 127.0.0.0/8 or ::1/128", AddressRange::parse));
        Duration dialogMaxAge = Duration.ofHours(r.integer("proxy.dialog-max-hours", 24, 1, 24 * 31));
        List<AddressRange> edgeProxies = r.list("proxy.edge-proxies", "",
                "an address range like 192.0.2.10 or 10.1.0.0/16", AddressRange::parse);
        return new ProxySettings(timerC, foreign, destinations, dialogMaxAge, edgeProxies);
    }
}
