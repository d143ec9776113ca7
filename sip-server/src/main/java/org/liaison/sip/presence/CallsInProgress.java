package org.liaison.sip.presence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.proxy.CallWatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls this node's proxy carries, by Call-ID, with our users on each side: up at the first 2xx
 * of an INVITE, over at its BYE. A call whose BYE never passes (a phone that lost its network) counts
 * no longer than {@code proxy.dialog-max-hours}, after which its Record-Route stops working anyway.
 */
public final class CallsInProgress implements CallWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(CallsInProgress.class);

    private record Call(Set<String> users, Instant since) {
    }

    private final LocalAddresses local;
    private final AccountDirectory accounts;
    private final Duration maxAge;
    private final Clock clock;
    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final LongAdder answered = new LongAdder();
    private volatile Consumer<String> onChange = user -> { };

    public CallsInProgress(LocalAddresses local, AccountDirectory accounts, Duration maxAge, Clock clock) {
        this.local = local;
        this.accounts = accounts;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /** {@code listener} gets each user whose calls began or ended (the presence server, made after the proxy). */
    public void onChange(Consumer<String> listener) {
        this.onChange = listener;
    }

    @Override
    public void answered(Request invite) {
        Set<String> users = Stream.of(userOf(((FromHeader) invite.getHeader(FromHeader.NAME)).getAddress().getURI()),
                userOf(((ToHeader) invite.getHeader(ToHeader.NAME)).getAddress().getURI()))
                .flatMap(Optional::stream).collect(Collectors.toUnmodifiableSet());
        // a forked INVITE may draw several 2xx: the call is up once
        if (!users.isEmpty() && calls.putIfAbsent(callId(invite), new Call(users, clock.instant())) == null) {
            answered.increment();
            tell(users);
        }
    }

    @Override
    public void ended(Request bye) {
        Call call = calls.remove(callId(bye));
        if (call != null) {
            tell(call.users());
        }
    }

    /** Presence must never break the call it watches: the forwarder calls this holding the transaction. */
    private void tell(Set<String> users) {
        try {
            users.forEach(onChange);
        } catch (RuntimeException e) {
            LOG.warn("presence not told of a call of {}: {}", users, e.toString());
        }
    }

    /** Whether {@code user} is in a call this node carries. */
    boolean inCall(String user) {
        forgetOldCalls();
        return calls.values().stream().anyMatch(c -> c.users().contains(user));
    }

    /** The calls this node carries now, relayed or not (monitoring). */
    public int count() {
        forgetOldCalls();
        return calls.size();
    }

    /** The calls this node's proxy saw answered since start, relayed or not (monitoring). */
    public long answeredSinceStart() {
        return answered.sum();
    }

    private void forgetOldCalls() {
        Instant oldest = clock.instant().minus(maxAge);
        calls.values().removeIf(c -> c.since().isBefore(oldest));
    }

    /** The username of one of our accounts named by {@code uri} (by name or extension). */
    private Optional<String> userOf(URI uri) {
        if (!(uri instanceof SipURI sip) || sip.getUser() == null || !local.isOurHost(sip.getHost())) {
            return Optional.empty();
        }
        return accounts.resolve(sip.getUser().toLowerCase(Locale.ROOT)).map(Account::username);
    }

    private static String callId(Request request) {
        return ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
    }
}
