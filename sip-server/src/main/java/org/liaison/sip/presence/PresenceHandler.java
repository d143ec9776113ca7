package org.liaison.sip.presence;

import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sip.InvalidArgumentException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.EventHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.SupportedHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.directory.Directory;
import org.liaison.provisioning.directory.DirectoryEntry;
import org.liaison.sip.config.PresenceSettings;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;

/**
 * SUBSCRIBE and PUBLISH with {@code Event: presence} (RFC 3856, RFC 6665, RFC 3903): the server is
 * every user's presence agent. Decides and answers; the {@link PresenceServer} sends the NOTIFYs once
 * the answer is out. Who may watch whom follows the directory: a person the subscriber does not see
 * in it is refused with 403.
 */
public final class PresenceHandler {
    private static final HexFormat HEX = HexFormat.of();
    private static final String EVENTLIST = "eventlist";

    private final PresenceServer server;
    private final PresenceAnswers answers;
    private final PublicationHandler publications;
    private final AccountDirectory accounts;
    private final Supplier<Directory> directory;
    private final SipFactories sip;
    private final NotifyRequests notifies;
    private final Clock clock;
    private final String domain;
    private final SecureRandom random = new SecureRandom();

    /** {@code directory}: the directory being served now (who may see whom). */
    public PresenceHandler(PresenceServer server, PresenceSettings settings, AccountDirectory accounts,
            Supplier<Directory> directory, SipFactories sip, String domain, Clock clock) {
        this.server = server;
        this.answers = new PresenceAnswers(settings, sip);
        this.publications = new PublicationHandler(server, answers, sip);
        this.accounts = accounts;
        this.directory = directory;
        this.sip = sip;
        this.notifies = new NotifyRequests(sip);
        this.clock = clock;
        this.domain = domain;
    }

    /** Whether {@code request}, out of any dialog, is for the presence agent: SUBSCRIBE or PUBLISH of presence. */
    public boolean handles(Request request) {
        EventHeader event = (EventHeader) request.getHeader(EventHeader.NAME);
        return (Request.SUBSCRIBE.equals(request.getMethod()) || Request.PUBLISH.equals(request.getMethod()))
                && event != null && NotifyRequests.EVENT.equalsIgnoreCase(event.getEventType());
    }

    /** {@code request} from {@code caller}, authenticated, sending as itself to our domain, over {@code source}. */
    public Outcome handle(Request request, SipURI requestUri, Account caller, Flow source) {
        if (Request.SUBSCRIBE.equals(request.getMethod())
                && ListNotifications.LIST_USER.equalsIgnoreCase(requestUri.getUser())) {
            return subscribeToList(request, caller, source);
        }
        Optional<Account> watched = Optional.ofNullable(requestUri.getUser())
                .flatMap(user -> accounts.resolve(user.toLowerCase(Locale.ROOT)));
        if (watched.isEmpty()) {
            return answers.refuse(request, Response.NOT_FOUND, null);
        }
        if (Request.PUBLISH.equals(request.getMethod())) {
            return publications.publish(request, watched.get(), caller);
        }
        if (Request.SUBSCRIBE.equals(request.getMethod())
                && !PresenceAnswers.accepts(request, "application", "pidf+xml")) {
            return answers.notAcceptable(request, PidfDocument.CONTENT_TYPE);
        }
        if (!sees(caller.username(), watched.get().username())) {
            // RFC 3856 §6.6: the presentity's policy decides; ours is the directory's visibility
            return answers.refuse(request, Response.FORBIDDEN, "Not in your directory");
        }
        return subscribe(request, caller.username(), List.of(watched.get().username()), false, source);
    }

    /**
     * A list subscription (RFC 4662) to {@code sip:rls@DOMAIN}: every person the subscriber sees in
     * the directory (themselves left out) or, when the SUBSCRIBE carries a resource list (liblinphone's
     * friend list, RFC 5367), those of its entries the subscriber sees. The subscriber must support
     * {@code eventlist} (RFC 4662 §5.2: else 421).
     */
    private Outcome subscribeToList(Request request, Account caller, Flow source) {
        if (!supportsEventlist(request)) {
            Response required = answers.response(request, Response.EXTENSION_REQUIRED);
            try {
                required.addHeader(sip.headers().createRequireHeader(EVENTLIST));
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
            return new Outcome.Respond(required);
        }
        if (!PresenceAnswers.accepts(request, "multipart", "related")) {
            return answers.notAcceptable(request, "multipart/related", "application/rlmi+xml",
                    PidfDocument.CONTENT_TYPE);
        }
        List<String> members = directory.get().visibleTo(caller.username()).entries().stream()
                .filter(e -> e.kind() == DirectoryEntry.Kind.PERSON && !e.id().equals(caller.username()))
                .map(DirectoryEntry::id).toList();
        byte[] body = request.getRawContent();
        Optional<Set<String>> wanted = body == null || body.length == 0 ? Optional.empty()
                : ResourceList.uris(body).map(this::usernamesOf);
        if (wanted.isPresent()) {
            members = members.stream().filter(wanted.get()::contains).toList();
        }
        return subscribe(request, caller.username(), members, true, source);
    }

    /** The usernames of our accounts that {@code uris} name (by username or extension), ours only. */
    private Set<String> usernamesOf(Set<String> uris) {
        Set<String> users = new HashSet<>();
        for (String uri : uris) {
            try {
                if (sip.addresses().createURI(uri) instanceof SipURI named && named.getUser() != null
                        && named.getHost().equalsIgnoreCase(domain)) {
                    accounts.resolve(named.getUser().toLowerCase(Locale.ROOT)).ifPresent(a -> users.add(a.username()));
                }
            } catch (ParseException e) {
                // an entry that is no URI names nobody
            }
        }
        return users;
    }

    private static boolean supportsEventlist(Request request) {
        for (var it = request.getHeaders(SupportedHeader.NAME); it.hasNext(); ) {
            if (EVENTLIST.equalsIgnoreCase(((SupportedHeader) it.next()).getOptionTag())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A SUBSCRIBE in one of our subscriptions' dialogs (a refresh, or Expires 0 to end it, RFC 6665
     * §4.1.2.2, §4.1.2.3); empty for any other request, which the router routes as before. Our To
     * tag, 128 random bits, is what proves the dialog. A refresh is checked against the directory
     * again: someone hidden since is no longer watched.
     */
    public Optional<Outcome> inDialog(Request request, Flow source) {
        if (!Request.SUBSCRIBE.equals(request.getMethod())) {
            return Optional.empty();
        }
        Optional<Subscription> found = server.find(dialogOf(request, ((ToHeader) request.getHeader(ToHeader.NAME))
                .getTag()));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Subscription s = found.get();
        if (!s.list && !sees(s.subscriber, s.watched.get(0))) {
            // the directory changed since: the subscription ends (RFC 6665 §4.2.2, reason rejected)
            return Optional.of(new Outcome.Respond(answers.response(request, Response.FORBIDDEN),
                    () -> server.rejected(s)));
        }
        int expires = PresenceAnswers.requestedExpires(request);
        if (expires == 0) {
            return Optional.of(new Outcome.Respond(ok(request, s, 0), () -> server.unsubscribed(s)));
        }
        if (answers.tooBrief(expires)) {
            return Optional.of(answers.intervalTooBrief(request));
        }
        int granted = answers.grant(expires);
        synchronized (s) {
            s.expiresAt = clock.instant().plusSeconds(granted);
            s.flow = source;
            remoteTarget(request).ifPresent(target -> s.remoteTarget = target);
        }
        return Optional.of(new Outcome.Respond(ok(request, s, granted), () -> server.subscribed(s)));
    }

    private Outcome subscribe(Request request, String subscriber, List<String> watched, boolean list, Flow source) {
        int expires = PresenceAnswers.requestedExpires(request);
        if (answers.tooBrief(expires)) {
            return answers.intervalTooBrief(request);
        }
        Optional<URI> target = remoteTarget(request);
        String subscriberTag = ((FromHeader) request.getHeader(FromHeader.NAME)).getTag();
        if (target.isEmpty() || subscriberTag == null) {
            return answers.refuse(request, Response.BAD_REQUEST, "SUBSCRIBE needs a Contact and a From tag");
        }
        byte[] tag = new byte[16];
        random.nextBytes(tag);
        EventHeader event = (EventHeader) request.getHeader(EventHeader.NAME);
        Subscription s = new Subscription(dialogOf(request, HEX.formatHex(tag)), subscriber,
                ((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().toString(),
                ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().toString(),
                Optional.ofNullable(event.getEventId()), list, watched);
        int granted = answers.grant(expires);
        s.remoteTarget = target.get();
        s.flow = source;
        s.expiresAt = clock.instant().plusSeconds(granted);
        if (granted == 0) {
            // a fetch (RFC 6665 §4.4.3): one NOTIFY of the current state, nothing kept
            return new Outcome.Respond(ok(request, s, 0), () -> server.unsubscribed(s));
        }
        if (!server.add(s)) {
            return answers.refuse(request, Response.FORBIDDEN, "Too many subscriptions");
        }
        return new Outcome.Respond(ok(request, s, granted), () -> server.subscribed(s));
    }

    /** Whether {@code viewer} sees the person {@code username} in the directory. */
    private boolean sees(String viewer, String username) {
        return directory.get().visibleTo(viewer).entries().stream()
                .anyMatch(e -> e.kind() == DirectoryEntry.Kind.PERSON && e.id().equals(username));
    }

    /** RFC 6665 §4.2.1.1: 200, never 202, with our To tag, the Expires granted and our Contact (the remote target). */
    private Response ok(Request request, Subscription s, int granted) {
        Response ok = answers.response(request, Response.OK);
        try {
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(s.id.ourTag());
            ok.addHeader(sip.headers().createExpiresHeader(granted));
            ok.addHeader(sip.headers().createContactHeader(notifies.contact(s.flow)));
            if (s.list) {
                ok.addHeader(sip.headers().createRequireHeader(EVENTLIST)); // RFC 4662 §5.2
            }
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("cannot answer a SUBSCRIBE", e);
        }
        return ok;
    }

    private static Optional<URI> remoteTarget(Request request) {
        ContactHeader contact = (ContactHeader) request.getHeader(ContactHeader.NAME);
        return contact == null || contact.getAddress() == null ? Optional.empty()
                : Optional.of((URI) contact.getAddress().getURI().clone());
    }

    private static Subscription.DialogId dialogOf(Request request, String ourTag) {
        return new Subscription.DialogId(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId(),
                ((FromHeader) request.getHeader(FromHeader.NAME)).getTag(), ourTag);
    }
}
