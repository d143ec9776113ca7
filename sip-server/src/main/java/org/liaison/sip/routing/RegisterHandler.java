package org.liaison.sip.routing;

import gov.nist.javax.sip.message.SIPRequest;
import java.net.InetAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.cluster.SharedStateUnavailable;
import org.liaison.sip.config.ProxySettings;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.registrar.Registrar;

/** REGISTER (RFC 3261 §10.3): the registrar, for our domain only, after digest authentication. */
public final class RegisterHandler {
    private static final String PATH = "Path";

    private final LocalAddresses local;
    private final ProxySettings proxy;
    private final Registrar registrar;
    private final Consumer<String> onRegistered;
    private final Refusals refusals;
    /** The REGISTERs answered once their bindings are stored, not yet answered: {@link #retransmissionKey}s. */
    private final Set<String> beingStored = ConcurrentHashMap.newKeySet();

    /** {@code onRegistered} gets the user once a device of theirs has its 200 (stored messages go out then). */
    public RegisterHandler(LocalAddresses local, ProxySettings proxy, Registrar registrar,
            Consumer<String> onRegistered, SipFactories sip) {
        this.local = local;
        this.proxy = proxy;
        this.registrar = registrar;
        this.onRegistered = onRegistered;
        this.refusals = new Refusals(sip, local.domain());
    }

    /**
     * The refusal of a REGISTER that no credentials could make acceptable, decided before it is
     * challenged: another domain, a source outside {@code security.allowed-destinations} (null: not an
     * IP address), a {@code Path} from anyone but an edge proxy.
     */
    public Optional<Outcome> refuseBeforeChallenge(Request register, SipURI requestUri, InetAddress from) {
        if (!local.isOurHost(requestUri.getHost())) {
            return Optional.of(refusals.refuseUnauthenticated(register, Response.FORBIDDEN, "Not our domain"));
        }
        if (from == null || !proxy.destinations().allows(from)) {
            return Optional.of(refusals.refuseUnauthenticated(register, Response.FORBIDDEN,
                    "Source address not allowed"));
        }
        if (register.getHeader(PATH) != null && !proxy.isEdgeProxy(from)) {
            // RFC 3327 §5.3 leaves Path to the registrar's policy: a client naming our next hop towards
            // it would make us send anywhere, so only configured edge proxies may (proxy.edge-proxies);
            // a 403 rather than ignoring it, so a misconfigured edge proxy is noticed at once
            return Optional.of(refusals.refuseUnauthenticated(register, Response.FORBIDDEN,
                    "Path accepted from edge proxies only"));
        }
        return Optional.empty();
    }

    /**
     * {@code register} authenticated as {@code user}, which came over {@code source}. The answer is sent without a
     * server transaction, as Kamailio's registrar sends it (sl_send_reply): a REGISTER is answered with a final
     * response as soon as its bindings are stored, so a transaction would only keep state and a 32 s timer (Timer J,
     * RFC 3261 §17.2.2) per registration to answer a retransmission. A retransmission instead reaches the
     * authenticator again, whose nonce-count it repeats: it gets a 401 with stale=TRUE and the client registers with
     * a fresh nonce (RFC 7616 §3.4, §3.5). Measured in docs/BENCHMARKS.md (issue 12). A store that answers later
     * (the cluster's, which writes the REGISTERs of a few ms together) holds no SIP worker meanwhile.
     */
    public Outcome register(Request register, String user, Flow source) {
        CompletableFuture<Response> stored = registrar.register(register, user, source).toCompletableFuture();
        if (stored.isDone()) {
            try {
                return answer(stored.join(), user);
            } catch (CompletionException e) {
                // the router answers what a store out of reach gets (503), as for any other request
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        String retransmission = retransmissionKey(register, source);
        beingStored.add(retransmission);
        return Outcome.Later.withoutTransaction(stored.handle((response, failure) -> {
            beingStored.remove(retransmission);
            Throwable cause = failure instanceof CompletionException wrapped ? wrapped.getCause() : failure;
            if (cause instanceof SharedStateUnavailable) {
                return refusals.sharedStateUnavailable(register);
            }
            if (cause != null) {
                throw new CompletionException(cause);
            }
            return answer(response, user);
        }));
    }

    /**
     * Whether {@code register} is a retransmission of a REGISTER from {@code source} whose answer waits for its
     * bindings to be stored: the router drops it unchallenged, since the answer on its way answers it too, and a
     * challenge (its nonce-count being spent, stale) would make the phone start over and send more. Without a
     * transaction nothing else absorbs it; a cold or overloaded node whose answers take over T1 (500 ms) would
     * otherwise feed itself a REGISTER more for each one it is late with.
     */
    public boolean isBeingStored(Request register, Flow source) {
        return !beingStored.isEmpty() && beingStored.contains(retransmissionKey(register, source));
    }

    /** A request and its retransmissions share the top Via's branch (RFC 3261 §17.2.3), from one source. */
    private static String retransmissionKey(Request register, Flow source) {
        return source.transport() + " " + source.remoteAddress() + " " + source.remotePort() + " "
                + ((SIPRequest) register).getTransactionId();
    }

    private Outcome.Respond answer(Response response, String user) {
        // stored messages go out once the device has its 200 (RFC 3428 store and forward)
        Runnable registered = response.getStatusCode() == Response.OK ? () -> onRegistered.accept(user) : () -> { };
        return new Outcome.Respond(response, registered, true);
    }
}
