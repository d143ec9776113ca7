package org.liaison.sip.media;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.media.MediaRelay;
import org.liaison.media.MediaRelayException;
import org.liaison.media.sdp.MediaDescription;
import org.liaison.media.sdp.SessionDescription;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.config.MediaSettings;
import org.liaison.sip.config.MediaSettings.Encryption;
import org.liaison.sip.config.MediaSettings.RelayPolicy;
import org.liaison.sip.message.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which SIP message means what to the media relay, for the proxy (RFC 3264 offer/answer as seen
 * from the middle). A call is relayed or not from its first INVITE on; for a relayed call:
 *
 * <ul>
 * <li>an INVITE, re-INVITE or UPDATE with SDP is an offer from its From tag; the 18x or 2xx with
 * SDP that answers it is the answer of the device in its To tag (each fork its own leg);</li>
 * <li>an INVITE without SDP gets its offer in the 2xx (from the device) and the answer in the ACK;</li>
 * <li>BYE ends the call, so do a CANCEL before any 2xx and the failure of every fork; a fork that
 * fails while another goes on ends that fork's leg only.</li>
 * </ul>
 *
 * Every SDP passed on is the relay's rewrite. Offers are policed first ({@link EncryptionPolicy});
 * an offer in a multipart body is refused, since neither the policy nor the relay reads one. A
 * caller has at most {@code media.max-relayed-calls-per-user} relayed calls at once (on this node).
 *
 * <p>In a cluster the relays are shared ({@code relay.servers}): a node that meets a BYE, re-INVITE, UPDATE or
 * ACK with SDP of a call it did not set up asks the relay whether it holds the call and carries it on from
 * there ({@link RelayedCall#setUpElsewhere()}), so a call outlives the node that set it up.
 */
public final class MediaAnchor {
    private static final Logger LOG = LoggerFactory.getLogger(MediaAnchor.class);
    /** What a caller refused for lack of relay ports is told to wait before trying again. */
    static final int RETRY_AFTER_SECONDS = 30;
    static final int SWEEPS_BEFORE_FORGETTING = 3;

    private final Optional<MediaRelay> relay;
    private final RelayPolicy policy;
    private final EncryptionPolicy encryption;
    /** Whether an offer must be read at all: to police it, or to relay it. */
    private final boolean offersRead;
    private final RelayedCalls calls;
    /** Other nodes of a cluster drive the same relay: a call this node does not know may be one of theirs. */
    private final boolean relaySharedWithOtherNodes;

    /** The anchor of a server alone with its relay. */
    public MediaAnchor(Optional<MediaRelay> relay, MediaSettings settings) {
        this(relay, settings, false);
    }

    /** {@code relaySharedWithOtherNodes}: cluster mode, where other nodes set up calls on the same relays. */
    public MediaAnchor(Optional<MediaRelay> relay, MediaSettings settings, boolean relaySharedWithOtherNodes) {
        this.relaySharedWithOtherNodes = relaySharedWithOtherNodes;
        this.relay = settings.relay() == RelayPolicy.NEVER ? Optional.empty() : relay;
        this.policy = settings.relay();
        this.encryption = new EncryptionPolicy(settings.encryption());
        this.offersRead = this.relay.isPresent() || settings.encryption() == Encryption.MANDATORY;
        this.calls = new RelayedCalls(settings.maxRelayedCallsPerUser());
    }

    /**
     * A dialog-creating INVITE about to be forked: polices its offer and, when the call is to be
     * relayed, replaces the offer with the relay's. {@code deviceBehindNat}: some target device is
     * reached through the flow it registered from rather than at its Contact address.
     */
    public Optional<MediaRefusal> offerToDevices(Request invite, Flow source, boolean deviceBehindNat) {
        Optional<String> offer = SdpBody.of(invite);
        Optional<MediaRefusal> refused = unreadable(invite).or(() -> offer.flatMap(o -> policed(o, source)));
        if (refused.isPresent() || relay.isEmpty() || !shouldRelay(offer, source, deviceBehindNat)) {
            return refused;
        }
        String caller = caller(invite);
        RelayedCall call = calls.open(callId(invite), caller);
        if (call == null) {
            LOG.warn("{} has {} relayed calls, the most one user may have: call {} refused", caller,
                    calls.maxPerUser(), callId(invite));
            return Optional.of(new MediaRefusal(Response.FORBIDDEN, caller + " has " + calls.maxPerUser()
                    + " relayed calls already, the most one user may have at once", 0));
        }
        synchronized (call) {
            if (offer.isEmpty()) {
                return Optional.empty(); // late offer: it comes in the 2xx
            }
            try {
                String sdp = relay.get().offer(callId(invite), fromTag(invite), Optional.empty(), offer.get(),
                        addressOf(source));
                SdpBody.replace(invite, sdp);
                call.offered = true;
                return Optional.empty();
            } catch (MediaRelayException e) {
                calls.forget(callId(invite), call);
                return Optional.of(refusalFor(e));
            }
        }
    }

    /**
     * An in-dialog request on its way: a re-INVITE or UPDATE offer is policed and relayed, the SDP
     * of an ACK is the answer to a late offer, a BYE ends the call.
     */
    public Optional<MediaRefusal> inDialog(Request request, Flow source) {
        String method = request.getMethod();
        Optional<String> sdp = SdpBody.of(request);
        boolean mayOffer = Request.INVITE.equals(method) || Request.UPDATE.equals(method);
        boolean offer = sdp.isPresent() && mayOffer;
        Optional<MediaRefusal> refused = mayOffer ? unreadable(request) : Optional.empty();
        if (offer && refused.isEmpty()) {
            refused = policed(sdp.get(), source);
        }
        if (refused.isPresent()) {
            return refused;
        }
        boolean touchesMedia = Request.BYE.equals(method) || offer || Request.ACK.equals(method) && sdp.isPresent();
        RelayedCall call = touchesMedia ? known(callId(request)) : calls.get(callId(request));
        if (call == null) {
            return Optional.empty();
        }
        synchronized (call) {
            if (call.ended) {
                return Optional.empty();
            }
            if (Request.BYE.equals(method)) {
                end(request, call);
            } else if (offer) {
                try {
                    String rewritten = relay.get().offer(callId(request), fromTag(request),
                            Optional.ofNullable(toTag(request)), sdp.get(), addressOf(source));
                    SdpBody.replace(request, rewritten);
                } catch (MediaRelayException e) {
                    return Optional.of(refusalFor(e));
                }
            } else if (Request.ACK.equals(method) && sdp.isPresent()) {
                // the answer to the offer of the callee's 2xx: offerer = To tag, answerer = From tag
                answer(request, toTag(request), fromTag(request), sdp.get(), addressOf(source));
            }
            return Optional.empty();
        }
    }

    /**
     * An in-dialog request another node of the cluster took from the phone: that node did its media work on the shared
     * relay (offer, answer, end), so its SDP goes on as it came. A BYE ends the call's state here too (this node may
     * have set the call up) without deleting it on the relay a second time.
     */
    public void passedOn(Request request) {
        RelayedCall call = Request.BYE.equals(request.getMethod()) ? calls.get(callId(request)) : null;
        if (call != null) {
            synchronized (call) {
                forget(callId(request), call);
            }
        }
    }

    /**
     * The call's state here; in a cluster, for a call another node set up and the relay still holds, a state
     * made now (the relay knows the call by Call-ID and tags, so any node can go on from here). Null when the call
     * is not relayed.
     */
    private RelayedCall known(String callId) {
        RelayedCall call = calls.get(callId);
        if (call != null || !relaySharedWithOtherNodes || relay.isEmpty() || relay.get().query(callId).isEmpty()) {
            return call;
        }
        LOG.info("call {} was set up through another node; its relay holds it: carried on from this node", callId);
        return calls.adopt(callId);
    }

    /**
     * A response to a forwarded INVITE or UPDATE, before it goes upstream: its SDP is the answer
     * (or, when the request had none, the offer) of the device in its To tag; a failure of the
     * first INVITE ends that device's leg. {@code device}: the IP address the response came from,
     * where the relay expects that device's media from.
     */
    public void onResponse(Request request, Response response, Optional<InetAddress> deviceAddress) {
        String method = request.getMethod();
        RelayedCall call = calls.get(callId(request));
        String device = toTag(response);
        if (call == null || device == null || !(Request.INVITE.equals(method) || Request.UPDATE.equals(method))) {
            return;
        }
        int status = response.getStatusCode();
        boolean firstInvite = Request.INVITE.equals(method) && toTag(request) == null;
        synchronized (call) {
            if (call.ended) {
                return;
            }
            if (status >= 300) {
                if (firstInvite && call.forks.remove(device)) {
                    relay.get().delete(callId(request), Optional.of(device));
                }
                return;
            }
            Optional<String> sdp = SdpBody.of(response);
            boolean okToInvite = status >= 200 && Request.INVITE.equals(method);
            if (sdp.isPresent() && !(okToInvite && repeatSent(call, response))) {
                boolean lateOffer = SdpBody.of(request).isEmpty();
                boolean sent = lateOffer ? lateOffer(response, device, fromTag(request), sdp.get(), deviceAddress)
                        : answer(response, fromTag(request), device, sdp.get(), deviceAddress);
                call.offered |= sent && lateOffer;
                if (sent && firstInvite) {
                    call.forks.add(device);
                }
                if (sent && okToInvite) {
                    call.sent.put(device, new RelayedCall.SentAnswer(cseq(response), SdpBody.of(response).orElseThrow()));
                }
            }
            if (firstInvite && status >= 200) {
                call.answered = true;
            }
        }
    }

    /** A 2xx retransmitted after its transaction ended carries the same rewritten SDP as the first. */
    public void onRetransmission(Response response) {
        RelayedCall call = calls.get(callId(response));
        if (call == null || SdpBody.of(response).isEmpty()) {
            return;
        }
        synchronized (call) {
            repeatSent(call, response);
        }
    }

    /** A repeated 2xx (same device, same CSeq) gets the SDP sent the first time, not a new relay request. */
    private static boolean repeatSent(RelayedCall call, Response response) {
        RelayedCall.SentAnswer sent = call.sent.get(toTag(response));
        if (sent == null || sent.cseq() != cseq(response)) {
            return false;
        }
        SdpBody.replace(response, sent.sdp());
        return true;
    }

    /** The caller cancelled its INVITE: unless a device answered already, the call ends (RFC 3261 §9). */
    public void cancelled(Request invite) {
        RelayedCall call = calls.get(callId(invite));
        if (call == null) {
            return;
        }
        synchronized (call) {
            if (!call.answered && !call.ended) {
                end(invite, call);
            }
        }
    }

    /** Every fork of a first INVITE failed: the call ends. A failed re-INVITE leaves the call as it was. */
    public void inviteFailed(Request invite) {
        RelayedCall call = calls.get(callId(invite));
        if (call == null || toTag(invite) != null) {
            return;
        }
        synchronized (call) {
            if (!call.ended) {
                end(invite, call);
            }
        }
    }

    /**
     * Forgets calls the relay no longer knows (it timed out their idle streams: a lost BYE), once
     * {@link #SWEEPS_BEFORE_FORGETTING} sweeps in a row found them missing: a relay over ng that
     * does not answer for a moment looks the same. A call waiting for its late offer is not the
     * relay's yet and stays.
     */
    public void forgetCallsTheRelayEnded() {
        calls.forEach((id, call) -> {
            synchronized (call) {
                if (!call.offered) {
                    return;
                }
                call.sweepsMissed = relay.get().query(id).isPresent() ? 0 : call.sweepsMissed + 1;
                if (call.sweepsMissed >= SWEEPS_BEFORE_FORGETTING) {
                    forget(id, call);
                }
            }
        });
    }

    /** The Call-IDs of the calls relayed now. */
    public Set<String> relayedCallIds() {
        return calls.callIds();
    }

    /** Relayed calls {@code user} has now (for tests and monitoring). */
    public int relayedCallsOf(String user) {
        return calls.of(user);
    }

    private void end(Message message, RelayedCall call) {
        forget(callId(message), call);
        relay.get().delete(callId(message), Optional.empty());
    }

    /** Holding {@code call}'s monitor: nothing reaches the relay for it from here on. */
    private void forget(String callId, RelayedCall call) {
        call.ended = true;
        calls.forget(callId, call);
    }

    /**
     * A multipart body (RFC 5621) could carry an SDP offer that neither the encryption policy nor
     * the relay reads: the callee would get media addresses nobody checked. 488 with a Warning
     * rather than 415, which RFC 3261 §21.4.16 would have carry an Accept header listing what we take.
     */
    private Optional<MediaRefusal> unreadable(Request request) {
        if (!offersRead || !SdpBody.isMultipart(request)) {
            return Optional.empty();
        }
        return Optional.of(new MediaRefusal(Response.NOT_ACCEPTABLE_HERE,
                "multipart bodies are not accepted here: send the SDP offer alone as application/sdp", 0));
    }

    private boolean answer(Message message, String offerer, String answerer, String sdp,
            Optional<InetAddress> signalledFrom) {
        try {
            SdpBody.replace(message, relay.get().answer(callId(message), offerer, answerer, sdp,
                    signalledFrom));
            return true;
        } catch (MediaRelayException e) {
            // a proxy cannot refuse an answer: it goes on as it came, and the media may not flow
            LOG.warn("relay refused the answer of call {}: {} ({})", callId(message), e.getMessage(), e.reason());
            return false;
        }
    }

    private boolean lateOffer(Response response, String offerer, String answerer, String sdp,
            Optional<InetAddress> signalledFrom) {
        try {
            SdpBody.replace(response, relay.get().offer(callId(response), offerer,
                    Optional.of(answerer), sdp, signalledFrom));
            return true;
        } catch (MediaRelayException e) {
            LOG.warn("relay refused the offer in a {} of call {}: {} ({})", response.getStatusCode(),
                    callId(response), e.getMessage(), e.reason());
            return false;
        }
    }

    private Optional<MediaRefusal> policed(String offer, Flow source) {
        return encryption.refusal(offer, source.transport())
                .map(why -> new MediaRefusal(Response.NOT_ACCEPTABLE_HERE, why, 0));
    }

    private static MediaRefusal refusalFor(MediaRelayException e) {
        return switch (e.reason()) {
            case BAD_SDP -> new MediaRefusal(Response.NOT_ACCEPTABLE_HERE, e.getMessage(), 0);
            case PORTS_EXHAUSTED, UNAVAILABLE, UNKNOWN_CALL -> {
                LOG.warn("media relay cannot take a call: {} ({})", e.getMessage(), e.reason());
                yield new MediaRefusal(Response.SERVICE_UNAVAILABLE, "media relay: " + e.getMessage(),
                        RETRY_AFTER_SECONDS);
            }
        };
    }

    /**
     * {@code media.relay=nat-only}: relay when a device is reached through its NAT flow, when the
     * offer's media address is not the address the INVITE came from (a private address behind a
     * NAT is one case), or when there is no offer yet to tell.
     */
    private boolean shouldRelay(Optional<String> offer, Flow source, boolean deviceBehindNat) {
        if (policy == RelayPolicy.ALWAYS || deviceBehindNat || offer.isEmpty()) {
            return true;
        }
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(offer.get());
        } catch (MediaRelayException e) {
            return true; // the relay refuses it, naming what is wrong
        }
        InetAddress signalling = IpLiteral.parse(source.remoteAddress());
        for (MediaDescription m : sdp.media()) {
            if (m.rejected() || m.address().isAnyLocalAddress()) {
                continue; // 0.0.0.0: on hold (RFC 3264 §8.4), says nothing about NAT
            }
            if (!m.address().equals(signalling)) {
                return true;
            }
        }
        return false;
    }

    /** Where a request came from: the relay learns that side's media only from there (see SourceLock). */
    private static Optional<InetAddress> addressOf(Flow source) {
        return Optional.ofNullable(IpLiteral.parse(source.remoteAddress()));
    }

    private static String callId(Message message) {
        return ((CallIdHeader) message.getHeader(CallIdHeader.NAME)).getCallId();
    }

    /** The caller's user name: the router made sure the From header names the account that authenticated. */
    private static String caller(Request invite) {
        URI from = ((FromHeader) invite.getHeader(FromHeader.NAME)).getAddress().getURI();
        return from instanceof SipURI sip && sip.getUser() != null ? sip.getUser().toLowerCase(Locale.ROOT)
                : from.toString();
    }

    private static String fromTag(Message message) {
        return ((FromHeader) message.getHeader(FromHeader.NAME)).getTag();
    }

    private static String toTag(Message message) {
        return ((ToHeader) message.getHeader(ToHeader.NAME)).getTag();
    }

    private static long cseq(Message message) {
        return ((CSeqHeader) message.getHeader(CSeqHeader.NAME)).getSeqNumber();
    }
}
