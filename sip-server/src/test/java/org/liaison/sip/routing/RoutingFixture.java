package org.liaison.sip.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.FileOfflineStore;
import org.liaison.im.LocalDeliveryLeases;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.messaging.GroupFanOut;
import org.liaison.im.messaging.MessageDelivery;
import org.liaison.im.messaging.MessagePolicy;
import org.liaison.im.messaging.MessagingMetrics;
import org.liaison.im.messaging.StoreAndForward;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountSnapshot;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.provisioning.UsersFile;
import org.liaison.provisioning.directory.Directory;
import org.liaison.sip.auth.DigestAuthenticator;
import org.liaison.sip.config.AddressRange;
import org.liaison.sip.config.AuthSettings;
import org.liaison.sip.config.DestinationPolicy;
import org.liaison.sip.config.MediaSettings;
import org.liaison.sip.config.MediaSettings.Encryption;
import org.liaison.sip.config.MediaSettings.RelayPolicy;
import org.liaison.sip.config.PresenceSettings;
import org.liaison.sip.config.ProxySettings;
import org.liaison.sip.config.RegistrarSettings;
import org.liaison.sip.media.MediaAnchor;
import org.liaison.sip.message.Flow;
import org.liaison.sip.presence.CallsInProgress;
import org.liaison.sip.presence.PresenceHandler;
import org.liaison.sip.presence.PresenceServer;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.messaging.GroupMessaging;
import org.liaison.sip.messaging.OfflineMessaging;
import org.liaison.sip.messaging.RegisteredDevices;
import org.liaison.sip.messaging.SipDeviceMessenger;
import org.liaison.sip.proxy.HandoffToken;
import org.liaison.sip.proxy.RouteToken;
import org.liaison.sip.registrar.ClusterNodes;
import org.liaison.sip.registrar.EmbeddedLocationService;
import org.liaison.sip.registrar.Registrar;
import org.liaison.sip.registrar.TargetResolver;

/**
 * What the router and its handlers work with, in a temporary directory: alice (1001), bob (1002)
 * and carol (1003) of example.org, alice and bob in group {@code staff} (ring group 2000), the
 * server on 127.0.0.1:5060, 127.0.0.0/8 allowed, no media relay. Requests are written as SIP text.
 */
final class RoutingFixture implements AutoCloseable {
    static final String DOMAIN = "example.org";
    static final SipFactories SIP = SipFactories.create();
    static final Flow FROM_ALICE = new Flow("UDP", "127.0.0.1", 40000, "127.0.0.1", 5060);

    final AccountSnapshot accounts;
    final EmbeddedLocationService locations;
    final FileOfflineStore messages;
    final DigestAuthenticator digest;
    final LocalAddresses local;
    final ProxySettings proxy;
    final TargetResolver targets;
    final Registrar registrar;
    final RouteToken routeToken;
    final MediaAnchor media = new MediaAnchor(Optional.empty(), new MediaSettings(RelayPolicy.NEVER, Encryption.OPTIONAL));
    /** Requests stored messages were sent as (none is answered). */
    final List<Request> originated = new CopyOnWriteArrayList<>();
    final OfflineMessaging offline;
    final GroupMessaging groups;
    final PresenceHandler presence;

    RoutingFixture(Path dir) throws Exception {
        Path users = dir.resolve("users.csv");
        Files.writeString(users, "username,password,display_name,extension,groups\n"
                + "alice,clrtxt:alice-secret,Alice,1001,staff\nbob,clrtxt:bob-secret,Bob,1002,staff\n"
                + "carol,clrtxt:carol-secret,Carol,1003,\n");
        Path groupsFile = dir.resolve("groups.csv");
        Files.writeString(groupsFile, "group,display_name,extension,visibility\nstaff,Staff,2000,everyone\n");
        accounts = UsersFile.load(users, groupsFile, DOMAIN);
        Clock clock = Clock.systemUTC();
        Path data = Files.createDirectories(dir.resolve("data"));
        locations = EmbeddedLocationService.open(data, clock);
        messages = FileOfflineStore.open(data, OfflineStoreSettings.defaults(), clock);
        digest = new DigestAuthenticator(new AuthSettings(DOMAIN, List.of(DigestAlgorithm.MD5), Duration.ofMinutes(5),
                10, 20, Duration.ofMinutes(1), Duration.ofMinutes(5), 10, 10), accounts, clock);
        local = new LocalAddresses(DOMAIN, List.of(InetAddress.getByName("127.0.0.1")), 5060, 5060, 0);
        proxy = new ProxySettings(Duration.ofMinutes(2), Set.of("partner.example"),
                new DestinationPolicy(List.of(new AddressRange(InetAddress.getByName("127.0.0.0"), 8))),
                Duration.ofHours(24), List.of());
        targets = new TargetResolver(local, accounts, locations, proxy.destinations(), ClusterNodes.standalone(), SIP);
        registrar = new Registrar(RegistrarSettings.defaults(DOMAIN), locations, SIP.messages(), SIP.headers(),
                SIP.addresses(), clock, "");
        routeToken = RouteToken.open(data, clock, Duration.ofHours(24));
        MessagingMetrics metrics = new MessagingMetrics();
        MessageDelivery delivery = new MessageDelivery(messages, new LocalDeliveryLeases(),
                new RegisteredDevices(locations),
                new SipDeviceMessenger(locations, targets, (request, target, onFinal) -> originated.add(request), SIP,
                        DOMAIN), null, metrics);
        StoreAndForward keeping = new StoreAndForward(messages, delivery, metrics);
        MessagePolicy policy = new MessagePolicy(65536);
        offline = new OfflineMessaging(keeping, policy, new org.liaison.sip.message.Responses(SIP));
        groups = new GroupMessaging(accounts, new GroupFanOut(keeping, metrics),
                new org.liaison.sip.message.Responses(SIP), DOMAIN, metrics, policy);
        PresenceSettings presenceSettings = new PresenceSettings(Duration.ofMinutes(1), Duration.ofHours(1), 500,
                Duration.ofSeconds(2));
        presence = new PresenceHandler(new PresenceServer(presenceSettings, locations,
                new CallsInProgress(local, accounts, Duration.ofHours(24), clock), targets,
                (request, target, onFinal) -> originated.add(request), null, SIP, DOMAIN, clock), presenceSettings,
                accounts, () -> Directory.of(accounts, DOMAIN), SIP, DOMAIN, clock);
    }

    /** The router as the server wires it, over this fixture's stores, on UDP (no TLS required). */
    RequestRouter router() {
        return new RequestRouter(local, new RequestAuthenticator(digest, SIP, DOMAIN, List.of()),
                new NodeHandoff("", HandoffToken.unshared(Clock.systemUTC()), locations, targets, SIP, DOMAIN),
                new InDialogHandler(local, routeToken, HandoffToken.unshared(Clock.systemUTC()), targets, media, proxy,
                        false, SIP),
                new RegisterHandler(local, proxy, registrar, user -> { }, SIP),
                new InviteHandler(local, accounts, targets, media, SIP),
                new MessageHandler(local, accounts, targets, offline, groups, SIP),
                new ForwardingHandler(local, targets, SIP), presence, proxy.foreignDomains(), false, SIP);
    }

    Account account(String username) {
        return accounts.resolve(username).orElseThrow();
    }

    /** Registers a device of {@code user} at {@code contact}, from the contact's own address over UDP. */
    void register(String user, String contact, int port) {
        register(user, contact, new Flow("UDP", "127.0.0.1", port, "127.0.0.1", 5060));
    }

    void register(String user, String contact, Flow flow) {
        Request register = request("REGISTER sip:example.org SIP/2.0\nVia: SIP/2.0/" + flow.transport()
                + " 127.0.0.1:" + flow.remotePort() + ";branch=z9hG4bKr\nMax-Forwards: 70\nFrom: <sip:" + user
                + "@example.org>;tag=r\nTo: <sip:" + user + "@example.org>\nCall-ID: reg-" + user + "-"
                + flow.remotePort() + "\nCSeq: 1 REGISTER\nContact: <" + contact + ">\nExpires: 3600\n"
                + "Content-Length: 0\n");
        assertEquals(Response.OK,
                registrar.register(register, user, flow).toCompletableFuture().join().getStatusCode());
    }

    static Request request(String text) {
        try {
            return SIP.messages().createRequest(text.replace("\n", "\r\n") + "\r\n");
        } catch (ParseException e) {
            throw new IllegalArgumentException("bad fixture: " + e.getMessage(), e);
        }
    }

    /** A request from alice outside any dialog, with {@code extraHeaders} and no body. */
    static Request fromAlice(String method, String requestUri, String extraHeaders) {
        return request(method + " " + requestUri + " SIP/2.0\nVia: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bKi\n"
                + "Max-Forwards: 70\n" + extraHeaders + "From: <sip:alice@example.org>;tag=a\nTo: <" + requestUri
                + ">\nCall-ID: call-1\nCSeq: 1 " + method + "\nContact: <sip:alice@127.0.0.1:40000>\n"
                + "Content-Length: 0\n");
    }

    /** A MESSAGE from alice with {@code body} as text/plain. */
    static Request messageFromAlice(String requestUri, String body) {
        Request message = fromAlice(Request.MESSAGE, requestUri, "");
        try {
            message.setContent(body, SIP.headers().createContentTypeHeader("text", "plain"));
        } catch (ParseException e) {
            throw new IllegalArgumentException(e);
        }
        return message;
    }

    static int status(Outcome outcome) {
        return assertInstanceOf(Outcome.Respond.class, outcome).response().getStatusCode();
    }

    @Override
    public void close() throws IOException {
        messages.close();
        locations.close();
    }
}
