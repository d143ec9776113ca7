package org.liaison.sip.registrar;

import gov.nist.javax.sip.stack.HopImpl;
import java.net.InetAddress;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sip.address.Hop;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.message.Response;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.Group;
import org.liaison.sip.config.DestinationPolicy;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.message.ConnectionHop;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;

/**
 * Where a request goes: the location service's answer for a Request-URI in our domain
 * (RFC 3261 §16.5), and the flow a device registered from for every request towards it.
 */
public final class TargetResolver {
    /** The parameter of a handoff's Route naming the AoR of the binding it is for. */
    public static final String HANDED_FOR_PARAM = "laor";
    /** Targets to fork to, or the status to answer with. */
    public sealed interface Resolution {
        record Found(List<Target> targets) implements Resolution {
        }

        record NotFound(int status, String reason) implements Resolution {
        }
    }

    private final LocalAddresses local;
    private final AccountDirectory accounts;
    private final LocationService locations;
    private final DestinationPolicy destinations;
    private final ClusterNodes nodes;
    private final SipFactories sip;

    /** {@code nodes}: this node and the others of its cluster ({@link ClusterNodes#standalone()} on one machine). */
    public TargetResolver(LocalAddresses local, AccountDirectory accounts, LocationService locations,
            DestinationPolicy destinations, ClusterNodes nodes, SipFactories sip) {
        this.local = local;
        this.accounts = accounts;
        this.locations = locations;
        this.destinations = destinations;
        this.nodes = nodes;
        this.sip = sip;
    }

    /** A new request for a user of our domain: every device of the user, or the one device of a GRUU. */
    public Resolution forUser(SipURI requestUri) {
        String user = requestUri.getUser();
        if (user == null || user.isEmpty()) {
            return new Resolution.NotFound(Response.NOT_FOUND, "No user in Request-URI");
        }
        Optional<String> instance = Registrar.instanceFromGruu(requestUri);
        if (instance.isPresent()) {
            // RFC 5627 §5.3: a GRUU reaches exactly the device that registered it
            return locations.findByInstance(user.toLowerCase(java.util.Locale.ROOT), instance.get())
                    .map(b -> found(List.of(b)))
                    .orElseGet(() -> new Resolution.NotFound(Response.TEMPORARILY_UNAVAILABLE, null));
        }
        Optional<Account> account = accounts.resolve(user.toLowerCase(java.util.Locale.ROOT));
        if (account.isEmpty()) {
            return new Resolution.NotFound(Response.NOT_FOUND, null);
        }
        List<Binding> bindings = locations.lookup(account.get().username());
        if (bindings.isEmpty()) {
            return new Resolution.NotFound(Response.TEMPORARILY_UNAVAILABLE, null);
        }
        return found(bindings);
    }

    /**
     * A call to a ring group: every device of every member but the caller's, forked in parallel
     * like a user's devices (RFC 3261 §16.5; the first 2xx wins). A members-only group takes calls
     * from its members only, as only they see it in the directory.
     */
    public Resolution forGroup(Group group, Account caller) {
        List<Account> members = accounts.members(group.id());
        if (group.visibility() == Group.Visibility.MEMBERS && !members.contains(caller)) {
            return new Resolution.NotFound(Response.FORBIDDEN, "Not a member of " + group.id());
        }
        List<Binding> bindings = new ArrayList<>();
        for (Account member : members) {
            if (!member.equals(caller)) {
                bindings.addAll(locations.lookup(member.username()));
            }
        }
        return found(bindings);
    }

    /**
     * The next hop of an in-dialog request once our own Route entries are gone, only where its
     * dialog leads: a device of {@code party} (the dialog party the request is for, {@code user@host})
     * that the Request-URI names (by its GRUU, its Contact or the address it registered from), sent
     * over its flow; or straight to the next Route or the Request-URI when {@code peer} admits that
     * address (the caller's own address, an allowed foreign domain's peer, an edge proxy). Devices are
     * looked up per party, so another user's binding of the same Contact is never taken. Anything
     * else is no party of the dialog: 403, so a replayed route reaches no trunk and no internal address.
     */
    public Resolution inDialog(URI requestUri, Optional<SipURI> nextRoute, String party, Predicate<InetAddress> peer) {
        if (nextRoute.isPresent() && nodes.isNode(hopOf(nextRoute.get()))) {
            // another node's Record-Route: the dialog was set up through it, and it checks its own route token
            return new Resolution.Found(List.of(new Target(requestUri, hopOf(nextRoute.get()), List.of())));
        }
        if (nextRoute.isPresent()) {
            return direct(requestUri, nextRoute.get(), peer);
        }
        if (!(requestUri instanceof SipURI sipUri)) {
            return new Resolution.NotFound(Response.UNSUPPORTED_URI_SCHEME, null);
        }
        Optional<String> gruu = local.isOurHost(sipUri.getHost()) && sipUri.getUser() != null
                ? Registrar.instanceFromGruu(sipUri) : Optional.empty();
        Hop remoteTarget = hopOf(sipUri);
        for (Binding device : devicesOf(party)) {
            boolean named = gruu.isPresent() ? gruu.equals(device.instanceId()) : isReachedAt(device, remoteTarget);
            Optional<Target> target = named ? deviceTarget(device) : Optional.empty();
            if (target.isPresent()) {
                // the Request-URI stays the remote target the party gave (RFC 3261 §12.2.1.1)
                return new Resolution.Found(List.of(new Target(requestUri, target.get().hop(), target.get().routes(),
                        target.get().owningNode())));
            }
        }
        if (gruu.isPresent()) {
            return new Resolution.NotFound(Response.NOT_FOUND, "Unknown GRUU");
        }
        return direct(requestUri, sipUri, peer);
    }

    /**
     * Whether a request came from another node of the cluster (a hop between nodes, not a user's own): what the
     * node forwards on a dialog it set up, whose route token this node verifies as any other.
     */
    public boolean isFromClusterNode(Flow source) {
        return nodes.isNodeAddress(source.remoteAddress());
    }

    /** The registered devices of a party of our domain ({@code user@host}): a user's, or a ring group's members'. */
    private List<Binding> devicesOf(String party) {
        int at = party.indexOf('@');
        if (at <= 0 || !local.isOurHost(party.substring(at + 1))) {
            return List.of();
        }
        String user = party.substring(0, at);
        Optional<Account> account = accounts.resolve(user);
        List<Account> members = account.isPresent() ? List.of(account.get())
                : accounts.resolveGroup(user).map(g -> accounts.members(g.id())).orElse(List.of());
        List<Binding> devices = new ArrayList<>();
        members.forEach(member -> devices.addAll(locations.lookup(member.username())));
        return devices;
    }

    /** Whether {@code hop} is where a device said it listens (its Contact) or where it registered from. */
    private boolean isReachedAt(Binding device, Hop hop) {
        InetAddress address = IpLiteral.parse(hop.getHost());
        if (address == null) {
            return false;
        }
        boolean fromFlow = address.equals(IpLiteral.parse(device.flow().remoteAddress()))
                && hop.getPort() == device.flow().remotePort();
        try {
            Hop contact = hopOf((SipURI) sip.addresses().createURI(device.contactUri()));
            return fromFlow || address.equals(IpLiteral.parse(contact.getHost())) && hop.getPort() == contact.getPort();
        } catch (ParseException | ClassCastException e) {
            return fromFlow;
        }
    }

    private Resolution found(List<Binding> bindings) {
        List<Target> targets = new ArrayList<>();
        for (Binding b : bindings) {
            deviceTarget(b).ifPresent(targets::add);
        }
        if (targets.isEmpty()) {
            return new Resolution.NotFound(Response.TEMPORARILY_UNAVAILABLE, null);
        }
        return new Resolution.Found(targets);
    }

    /**
     * A request for a domain the admin allowed ({@code proxy.foreign-domains}): to the address its host
     * names (an IP literal, or the host's A/AAAA record; SRV and NAPTR are not consulted).
     */
    public Resolution foreign(SipURI requestUri) {
        InetAddress address = IpLiteral.parse(requestUri.getHost());
        if (address == null) {
            try {
                address = InetAddress.getByName(requestUri.getHost());
            } catch (java.net.UnknownHostException e) {
                return new Resolution.NotFound(Response.NOT_FOUND, "Domain does not resolve");
            }
        }
        if (!destinations.allows(address)) {
            return new Resolution.NotFound(Response.FORBIDDEN, "Destination not allowed");
        }
        Hop named = hopOf(requestUri);
        return new Resolution.Found(List.of(new Target(requestUri,
                new HopImpl(address.getHostAddress(), named.getPort(), named.getTransport()), List.of())));
    }

    /**
     * The target that reaches a registered device (its Contact, sent where {@link #deviceHop} says),
     * or empty when the server may not send there ({@code security.allowed-destinations}). A device
     * whose flow ends on another node of the cluster (a TCP/TLS connection, a NAT's pinhole, an edge
     * proxy's flow) is reached through that node: {@link #throughOwningNode}.
     */
    public Optional<Target> deviceTarget(Binding b) {
        if (b.isOwnedByAnotherNode(nodes.self())) {
            return throughOwningNode(b);
        }
        if (!allowsFlow(b.flow())) {
            return Optional.empty();
        }
        try {
            URI contact = sip.addresses().createURI(b.contactUri());
            Hop hop = b.path().isEmpty() ? deviceHop(contact, b.flow())
                    : hopOf((SipURI) sip.addresses().createAddress(b.path().get(0)).getURI());
            // the Path's first hop (an edge proxy) is a destination like any other
            return destinations.allowsHost(hop.getHost()) ? Optional.of(new Target(contact, hop, b.path()))
                    : Optional.empty();
        } catch (ParseException | ClassCastException e) {
            return Optional.empty(); // a binding we stored ourselves no longer parses: skip it
        }
    }

    /**
     * The target that reaches the other party of a dialog the server itself is in (a presence
     * subscriber): its remote target (the Contact of its request), sent where {@link #deviceHop} says
     * for the flow that request came over, as for a registered device; empty when the server may not
     * send there ({@code security.allowed-destinations}).
     */
    public Optional<Target> dialogPeer(URI remoteTarget, Flow flow) {
        if (!allowsFlow(flow)) {
            return Optional.empty();
        }
        Hop hop = deviceHop(remoteTarget, flow);
        return destinations.allowsHost(hop.getHost()) ? Optional.of(new Target(remoteTarget, hop, List.of()))
                : Optional.empty();
    }

    private boolean allowsFlow(Flow flow) {
        InetAddress address = IpLiteral.parse(flow.remoteAddress());
        return address != null && destinations.allows(address);
    }

    /**
     * A device registered on another node, as Path (RFC 3327) and Flexisip's node routing do it: to
     * that node, loose-routed by {@code <node;lr>} (its handoff token is added as the copy leaves,
     * binding it to that copy) and then the binding's Path, with the device's Contact as
     * Request-URI. The owning node takes the Route naming itself, finds the binding by Contact and
     * sends on its flow; whether it may reach the device is its own rule to apply. The Route also names the
     * binding's AoR ({@value #HANDED_FOR_PARAM}), so that the owning node finds it among the AoR's bindings it holds
     * rather than in the Contact index in Redis (a round trip per request); a hint, not covered by the token: the
     * owning node still sends only to its own binding at the Request-URI the token binds.
     */
    private Optional<Target> throughOwningNode(Binding b) {
        try {
            SipURI node = (SipURI) sip.addresses().createURI(b.node());
            SipURI route = (SipURI) node.clone();
            route.setLrParam();
            route.setParameter(HANDED_FOR_PARAM, b.aor());
            List<String> routes = new ArrayList<>();
            routes.add("<" + route + ">");
            routes.addAll(b.path());
            return Optional.of(new Target(sip.addresses().createURI(b.contactUri()), hopOf(node), routes,
                    Optional.of(b.node())));
        } catch (ParseException | ClassCastException e) {
            return Optional.empty(); // written by a node whose URI no longer parses: skip it
        }
    }

    /**
     * Where a registered device is reached. Over TCP/TLS: its own connection (the flow), always. Over
     * UDP: the Contact when it names the very address the REGISTER came from (no NAT on the way, so
     * the port the device says it listens on is right, RFC 3261 §10), otherwise the flow, the
     * NAT's public side (RFC 3581, as Kamailio's fix_nated_register does). A Contact naming some
     * other address (a private one behind NAT, or a scanner's 1.1.1.1) is never sent to.
     */
    private static Hop deviceHop(URI contact, Flow flow) {
        if (!"UDP".equals(flow.transport())) {
            return new ConnectionHop(flow.remoteAddress(), flow.remotePort(), flow.transport());
        }
        Hop viaFlow = new HopImpl(flow.remoteAddress(), flow.remotePort(), flow.transport());
        if (!(contact instanceof SipURI sipContact)) {
            return viaFlow;
        }
        InetAddress contactAddress = IpLiteral.parse(sipContact.getHost());
        InetAddress source = IpLiteral.parse(flow.remoteAddress());
        boolean sameAddress = contactAddress != null && contactAddress.equals(source);
        String transport = sipContact.getTransportParam();
        boolean udp = transport == null || "udp".equalsIgnoreCase(transport);
        return sameAddress && udp ? hopOf(sipContact) : viaFlow;
    }

    /**
     * Straight to {@code next} (an IP literal: the server makes no DNS queries on its own), when it
     * is a {@code peer} of the dialog and an allowed destination.
     */
    private Resolution direct(URI requestUri, SipURI next, Predicate<InetAddress> peer) {
        InetAddress address = IpLiteral.parse(next.getHost());
        if (address == null || !destinations.allows(address)) {
            return new Resolution.NotFound(Response.FORBIDDEN, "Destination not allowed");
        }
        if (!peer.test(address)) {
            return new Resolution.NotFound(Response.FORBIDDEN, "Not a party of this dialog");
        }
        return new Resolution.Found(List.of(new Target(requestUri, hopOf(next), List.of())));
    }

    static Hop hopOf(SipURI uri) {
        String transport = uri.getTransportParam();
        if (transport == null) {
            transport = uri.isSecure() ? "TLS" : "UDP";
        }
        int port = uri.getPort();
        if (port <= 0) {
            port = uri.isSecure() || "TLS".equalsIgnoreCase(transport) ? 5061 : 5060;
        }
        String host = uri.getHost();
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HopImpl(host, port, transport.toUpperCase(java.util.Locale.ROOT));
    }
}
