package org.liaison.sip.registrar;

import gov.nist.javax.sip.header.HeaderExt;
import java.io.UncheckedIOException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.sip.InvalidArgumentException;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.Header;
import javax.sip.header.HeaderFactory;
import javax.sip.header.RequireHeader;
import javax.sip.header.SupportedHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.cluster.SharedStateUnavailable;
import org.liaison.sip.config.RegistrarSettings;
import org.liaison.sip.message.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what a REGISTER does to the location service and what to answer, following RFC 3261
 * §10.3 with GRUU (RFC 5627), Path (RFC 3327) and the instance/reg-id keys of RFC 5626.
 *
 * <p>The caller has already authenticated the sender (step 3) and passes the user name; this
 * class touches no transaction or provider, so it is tested from request text alone.
 *
 * <p>Decisions this implementation makes where the RFCs leave room:
 * <ul>
 *   <li>The Request-URI is not checked (step 1): clients put our domain or our IP there, and the
 *       To header decides which AoR is meant.</li>
 *   <li>A To header naming another user or another domain gets 403, not 404 (steps 4 and 5): a
 *       user may register only their own AoR in our domain, and 403 tells nothing about which
 *       users exist.</li>
 *   <li>A stale REGISTER (step 7) gets 500 "Out of order REGISTER", the code RFC 3261 §10.3
 *       leaves unnamed and other registrars use.</li>
 *   <li>Only public GRUUs are issued (RFC 5627 §5.2 also describes temporary ones): our GRUU
 *       names the device, which is what clients such as linphone use it for.</li>
 *   <li>{@code outbound} is accepted in Require but not announced: the server always routes to the
 *       flow a binding came from, but does not answer STUN keep-alives (RFC 5626 §8), so it does
 *       not put {@code Require: outbound} in the 200 (RFC 5626 §6).</li>
 * </ul>
 */
public final class Registrar {
    private static final Logger log = LoggerFactory.getLogger(Registrar.class);
    /** Option tags we implement (RFC 3261 §10.3 step 2: any other in Require gets 420). */
    private static final Set<String> SUPPORTED = Set.of("path", "gruu", "outbound");
    private static final String INSTANCE_PARAM = "+sip.instance";
    private static final String REG_ID_PARAM = "reg-id";
    private static final String PATH = "Path";
    /** Shared by the Date headers of every 200 (RFC 3261 §20.17: GMT); only read, never changed. */
    private static final TimeZone GMT = TimeZone.getTimeZone("GMT");

    private final RegistrarSettings settings;
    private final LocationService locations;
    private final MessageFactory messages;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final Clock clock;
    private final String node;

    /**
     * {@code node}: this node's {@code cluster.node-uri}, empty on one machine; each binding it writes names it as
     * the owner of the device's flow.
     */
    public Registrar(RegistrarSettings settings, LocationService locations, MessageFactory messages,
            HeaderFactory headers, AddressFactory addresses, Clock clock, String node) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.locations = Objects.requireNonNull(locations, "locations");
        this.messages = Objects.requireNonNull(messages, "messages");
        this.headers = Objects.requireNonNull(headers, "headers");
        this.addresses = Objects.requireNonNull(addresses, "addresses");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.node = Objects.requireNonNull(node, "node");
    }

    /** The public GRUU of a device (RFC 5627 §3.1): {@code sip:alice@example.org;gr=urn:uuid:...}. */
    public static String gruuFor(String user, String domain, String instanceId) {
        return "sip:" + user + "@" + domain + ";gr=" + instanceId;
    }

    /** The instance ID a GRUU names (its {@code gr} parameter), so the proxy can find the device's binding. */
    public static Optional<String> instanceFromGruu(SipURI uri) {
        return Optional.ofNullable(uri.getParameter("gr")).filter(gr -> !gr.isEmpty());
    }

    /**
     * Processes a REGISTER from {@code authenticatedUser} that arrived over {@code flow}: the response to send, once
     * the location service has stored the change. Fails with {@link SharedStateUnavailable} when the cluster's Redis
     * is out of reach (as this method may also throw, when it is found so before any change is sent).
     */
    public CompletionStage<Response> register(Request request, String authenticatedUser, Flow flow) {
        if (!Request.REGISTER.equals(request.getMethod())) {
            throw new IllegalArgumentException("not a REGISTER: " + request.getMethod());
        }
        try {
            return decide(request, authenticatedUser.toLowerCase(Locale.ROOT), flow, clock.instant());
        } catch (BadRequest e) {
            return answer(respond(request, Response.BAD_REQUEST, e.getMessage()));
        }
    }

    private CompletionStage<Response> decide(Request request, String user, Flow flow, Instant now) throws BadRequest {
        Set<String> unsupported = optionTags(request, RequireHeader.NAME);
        unsupported.removeAll(SUPPORTED);
        if (!unsupported.isEmpty()) {
            return answer(badExtension(request, unsupported)); // step 2
        }
        if (!isOwnAddressOfRecord(request, user)) {
            return answer(respond(request, Response.FORBIDDEN, "Not your address-of-record")); // steps 4 and 5
        }
        List<ContactHeader> contacts = contacts(request);
        ExpiresHeader expires = request.getExpires();
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        long cseq = ((CSeqHeader) request.getHeader(CSeqHeader.NAME)).getSeqNumber();
        if (contacts.stream().anyMatch(ContactHeader::isWildCard)) {
            // Step 6: "*" means "remove all", and only alone and with Expires: 0.
            if (contacts.size() != 1 || expires == null || expires.getExpires() != 0) {
                throw new BadRequest("Contact: * needs Expires: 0 and no other Contact");
            }
            return apply(request, user, List.of(), binding -> false,
                    current -> BindingUpdate.removeAll(current, callId, cseq), now);
        }
        if (contacts.isEmpty()) {
            return answer(ok(request, user, locations.lookup(user), now)); // a query: step 8 alone
        }
        List<String> path = values(request, PATH);
        List<Binding> requested = new ArrayList<>();
        List<String> claimed = new ArrayList<>();
        for (ContactHeader contact : contacts) {
            int seconds = expiresSeconds(contact, expires);
            if (seconds > 0 && seconds < settings.minExpiresSeconds()) {
                return answer(intervalTooBrief(request)); // step 7
            }
            if (seconds > 0) {
                claimed.add(contact.getAddress().getURI().toString());
            }
            Instant expiresAt = now.plusSeconds(Math.min(seconds, settings.maxExpiresSeconds()));
            Optional<String> instance = instanceId(contact);
            requested.add(new Binding(user, contact.getAddress().getURI().toString(), ((HeaderExt) contact).getValue(),
                    instance, instance.isPresent() ? regId(contact) : OptionalInt.empty(), callId, cseq, expiresAt,
                    path, flow, now, node));
        }
        return apply(request, user, claimed, otherFlowThan(flow),
                current -> BindingUpdate.apply(current, requested, settings.maxContactsPerUser(), now), now);
    }

    private static CompletionStage<Response> answer(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    /**
     * Another user's binding at a Contact URI this user claims is refused when it came over another flow, or requests
     * meant for that device (in-dialog ones find their binding by Contact) could be taken by this user. One device
     * registering several accounts does so over one flow (a multi-line phone's one socket), so it keeps working.
     */
    private static Predicate<Binding> otherFlowThan(Flow flow) {
        return b -> !b.flow().transport().equals(flow.transport())
                || !b.flow().remoteAddress().equals(flow.remoteAddress())
                || b.flow().remotePort() != flow.remotePort();
    }

    /**
     * Runs {@code decision} atomically against the AoR's current bindings and answers its verdict, unless another
     * user's binding that {@code taken} accepts is at one of the {@code claimed} Contact URIs.
     */
    private CompletionStage<Response> apply(Request request, String user, List<String> claimed,
            Predicate<Binding> taken, Function<List<Binding>, BindingUpdate.Result> decision, Instant now) {
        // A store may run the change more than once (optimistic retries); the last run decides.
        AtomicReference<BindingUpdate.Result> outcome = new AtomicReference<>();
        return locations.updateClaimingLater(user, claimed, taken, current -> {
            BindingUpdate.Result result = decision.apply(current);
            outcome.set(result);
            return result.verdict() == BindingUpdate.Verdict.ACCEPTED ? result.bindings() : current;
        }).handle((claim, failure) -> {
            Throwable cause = failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;
            if (cause instanceof UncheckedIOException e && !(e instanceof SharedStateUnavailable)) {
                log.error("Could not store the bindings of {}", user, e);
                return respond(request, Response.SERVER_INTERNAL_ERROR, "Location service unavailable");
            }
            if (cause != null) {
                // the cluster's Redis away among them: the register handler answers 503 with Retry-After
                throw cause instanceof RuntimeException e ? e : new CompletionException(cause);
            }
            if (claim.takenBy().isPresent()) {
                return respond(request, Response.FORBIDDEN, "Contact registered by another user");
            }
            return switch (outcome.get().verdict()) {
                case ACCEPTED -> ok(request, user, claim.stored(), now);
                case OUT_OF_ORDER -> respond(request, Response.SERVER_INTERNAL_ERROR, "Out of order REGISTER");
                case TOO_MANY_CONTACTS -> respond(request, Response.FORBIDDEN, "Too many registered contacts");
            };
        });
    }

    /**
     * Step 8: 200 OK listing every live binding, each Contact as it was registered with its
     * remaining {@code expires}, the device's public GRUU when the UA asked for GRUUs (RFC 5627
     * §5.2) and the Path echoed when the UA supports it (RFC 3327 §5.3).
     */
    private Response ok(Request request, String user, List<Binding> bindings, Instant now) {
        Set<String> supported = optionTags(request, SupportedHeader.NAME);
        supported.retainAll(Set.of("path", "gruu"));
        Response response = respond(request, Response.OK, null);
        try {
            for (Binding binding : bindings) {
                ContactHeader contact = (ContactHeader) headers.createHeader(ContactHeader.NAME, binding.contactHeader());
                contact.setExpires(remainingSeconds(binding, now));
                if (supported.contains("gruu") && binding.instanceId().isPresent()) {
                    contact.setParameter("pub-gruu", quote(gruu(user, binding.instanceId().get())));
                }
                response.addHeader(contact);
            }
            if (supported.contains("path")) {
                for (String hop : values(request, PATH)) {
                    response.addHeader(headers.createHeader(PATH, hop));
                }
            }
            for (String option : supported) {
                response.addHeader(headers.createSupportedHeader(option));
            }
            response.addHeader(headers.createDateHeader(calendar(now)));
        } catch (ParseException | InvalidArgumentException e) {
            throw new IllegalStateException("cannot rebuild a header we parsed before", e);
        }
        log.debug("REGISTER of {}: {} bindings", user, bindings.size());
        return response;
    }

    private String gruu(String user, String instanceId) throws ParseException {
        SipURI gruu = addresses.createSipURI(user, settings.domain());
        gruu.setParameter("gr", instanceId);
        return gruu.toString();
    }

    private Response badExtension(Request request, Set<String> unsupported) {
        Response response = respond(request, Response.BAD_EXTENSION, null);
        try {
            for (String option : unsupported) {
                response.addHeader(headers.createUnsupportedHeader(option));
            }
        } catch (ParseException e) {
            throw new IllegalStateException("option tag from a parsed Require header", e);
        }
        return response;
    }

    private Response intervalTooBrief(Request request) {
        Response response = respond(request, Response.INTERVAL_TOO_BRIEF, null);
        try {
            response.addHeader(headers.createMinExpiresHeader(settings.minExpiresSeconds()));
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException("validated by RegistrarSettings", e);
        }
        return response;
    }

    private Response respond(Request request, int status, String reason) {
        try {
            Response response = messages.createResponse(status, request);
            if (reason != null) {
                response.setReasonPhrase(reason);
            }
            // RFC 3261 §8.2.6.2: a response (other than 100) carries a To tag.
            ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
            if (to.getTag() == null) {
                to.setTag(Long.toHexString(ThreadLocalRandom.current().nextLong()));
            }
            return response;
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build a " + status + " response", e);
        }
    }

    /** Steps 4 and 5: the To header must name the authenticated user in our domain. */
    private boolean isOwnAddressOfRecord(Request request, String user) {
        URI uri = ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI();
        return uri instanceof SipURI sip && sip.getUser() != null && sip.getUser().equalsIgnoreCase(user)
                && settings.domain().equalsIgnoreCase(sip.getHost());
    }

    /** Step 7: the Contact's expires parameter, else the Expires header, else our default. */
    private int expiresSeconds(ContactHeader contact, ExpiresHeader expires) {
        if (contact.getExpires() >= 0) {
            return contact.getExpires();
        }
        return expires != null ? expires.getExpires() : settings.defaultExpiresSeconds();
    }

    /** Rounded up: a live binding must never be shown with expires=0, which means "removed". */
    private static int remainingSeconds(Binding binding, Instant now) {
        long millis = Duration.between(now, binding.expiresAt()).toMillis();
        return (int) Math.max(1, (millis + 999) / 1000);
    }

    /** {@code +sip.instance="<urn:uuid:...>"} gives {@code urn:uuid:...} (RFC 5626 §4.1). */
    private static Optional<String> instanceId(ContactHeader contact) {
        String value = contact.getParameter(INSTANCE_PARAM);
        if (value == null) {
            return Optional.empty();
        }
        value = value.strip();
        if (value.startsWith("<") && value.endsWith(">")) {
            value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** RFC 5626 §4.2: reg-id is 1 to 2^31-1; it only counts together with an instance. */
    private static OptionalInt regId(ContactHeader contact) throws BadRequest {
        String value = contact.getParameter(REG_ID_PARAM);
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            int regId = Integer.parseInt(value.strip());
            if (regId < 1) {
                throw new BadRequest("Invalid reg-id");
            }
            return OptionalInt.of(regId);
        } catch (NumberFormatException e) {
            throw new BadRequest("Invalid reg-id");
        }
    }

    private static List<ContactHeader> contacts(Request request) {
        List<ContactHeader> contacts = new ArrayList<>();
        ListIterator<?> iterator = request.getHeaders(ContactHeader.NAME);
        while (iterator.hasNext()) {
            contacts.add((ContactHeader) iterator.next());
        }
        return contacts;
    }

    /** Header values in order, one per element even when several shared a line. */
    private static List<String> values(Request request, String name) {
        List<String> values = new ArrayList<>();
        ListIterator<?> iterator = request.getHeaders(name);
        while (iterator.hasNext()) {
            values.add(((HeaderExt) iterator.next()).getValue());
        }
        return values;
    }

    private static Set<String> optionTags(Request request, String name) {
        Set<String> tags = new LinkedHashSet<>();
        ListIterator<?> iterator = request.getHeaders(name);
        while (iterator.hasNext()) {
            Header header = (Header) iterator.next();
            String tag = header instanceof RequireHeader require ? require.getOptionTag()
                    : ((SupportedHeader) header).getOptionTag();
            if (tag != null && !tag.isBlank()) {
                tags.add(tag.strip().toLowerCase(Locale.ROOT));
            }
        }
        return tags;
    }

    private static String quote(String value) {
        return "\"" + value + "\"";
    }

    private static Calendar calendar(Instant instant) {
        Calendar calendar = new GregorianCalendar(GMT, Locale.ROOT);
        calendar.setTimeInMillis(instant.toEpochMilli());
        return calendar;
    }

    /** A REGISTER that is malformed in a way the parser let through: answered with 400. */
    private static final class BadRequest extends Exception {
        BadRequest(String reason) {
            super(reason, null, false, false);
        }
    }
}
