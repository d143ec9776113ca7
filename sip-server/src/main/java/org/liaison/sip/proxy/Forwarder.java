package org.liaison.sip.proxy;

import java.net.InetAddress;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.sip.ClientTransaction;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.address.Hop;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.config.DestinationPolicy;
import org.liaison.sip.media.MediaAnchor;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.FlowRouter;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Responses;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction-stateful forwarding of RFC 3261 §16.6-16.10: one client transaction per target,
 * in parallel; provisional and 2xx responses go upstream at once; CANCEL for the other branches
 * after a 2xx or 6xx; the best final response when every branch failed; timer C for branches that
 * ring too long. Only this class (with its parts: {@link RequestCopies} prepares each copy,
 * {@link Egress} chooses where it leaves from, {@link RequestOriginator} sends the server's own
 * requests) and the edge touch JAIN-SIP transactions.
 */
public final class Forwarder {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    /** Final statuses that mean "no device got it" rather than "a device refused it". */
    private static final java.util.Set<Integer> UNREACHABLE = java.util.Set.of(Response.REQUEST_TIMEOUT,
            Response.TEMPORARILY_UNAVAILABLE, Response.SERVER_INTERNAL_ERROR, Response.SERVICE_UNAVAILABLE);

    private final Egress egress;
    private final RequestCopies copies;
    private final RequestOriginator originator;
    private final Responses responses;
    private final ScheduledExecutorService timers;
    private final Duration timerC;
    private final Duration deviceAnswerTimeout;
    private final MediaAnchor media;
    private final DeviceSource deviceSource;
    private final CallWatcher calls;
    private final Consumer<Response> sent;
    /** INVITEs still open to CANCEL, by their top Via branch and Call-ID (RFC 3261 §9.2). */
    private final Map<String, ProxyTransaction> cancellable = new ConcurrentHashMap<>();
    private final AtomicLong branchCounter = new AtomicLong();

    /**
     * {@code clusterNodes}: the hops that are nodes of this server's cluster (none on one machine); {@code calls}:
     * told when a call is answered and when its BYE passes; {@code sent}: told of each response sent upstream.
     */
    public Forwarder(SipFactories sip, LocalAddresses local, Map<InetAddress, SipProvider> providers,
            RouteToken routeToken, HandoffToken handoffToken, ScheduledExecutorService timers, Duration timerC,
            Duration deviceAnswerTimeout, MediaAnchor media, DestinationPolicy destinations,
            Predicate<Hop> clusterNodes, CallWatcher calls, Consumer<Response> sent) {
        this.egress = new Egress(sip, local, providers, destinations, clusterNodes, handoffToken);
        this.copies = new RequestCopies(sip, local, routeToken, handoffToken, egress);
        this.originator = new RequestOriginator(egress, copies);
        this.responses = new Responses(sip);
        this.timers = timers;
        this.timerC = timerC;
        this.deviceAnswerTimeout = deviceAnswerTimeout;
        this.media = media;
        this.deviceSource = new DeviceSource(sip, clusterNodes);
        this.calls = calls;
        this.sent = sent;
    }

    /** Where requests the server itself originates are sent from (message delivery). */
    public Originator originator() {
        return originator;
    }

    /** Forwards statefully: the server transaction gets the responses of every branch. */
    public void forward(ServerTransaction server, Outcome.Forward forward, Flow source) {
        Request request = forward.request();
        if (Request.BYE.equals(request.getMethod())) {
            calls.ended(request);
        }
        ProxyTransaction tx = new ProxyTransaction(server, request, cancelKey(request), forward.whenUnreachable(),
                forward.anchorsMedia());
        if (tx.isInvite()) {
            respondUpstream(tx, responses.create(request, Response.TRYING));
            cancellable.put(tx.cancelKey, tx);
        }
        String branchPrefix = LoopDetector.branchPrefix(request);
        List<Request> prepared = new ArrayList<>();
        synchronized (tx) {
            for (var target : forward.targets()) {
                Branch branch = new Branch(tx, target.hop());
                // a CANCEL may overtake us between the registration above and here
                branch.cancelWanted = tx.cancelled;
                tx.branches.add(branch);
                prepared.add(copies.prepare(request, target, forward.recordRoute(), source));
            }
        }
        for (int i = 0; i < prepared.size(); i++) {
            send(tx.branches.get(i), prepared.get(i), branchPrefix);
        }
        if (tx.whenUnreachable != null) {
            // a device that has not answered in a few seconds counts as unreachable (it may be asleep)
            synchronized (tx) {
                if (!tx.allBranchesEnded()) {
                    tx.silenceTimer = timers.schedule(() -> giveUpOnSilentBranches(tx), deviceAnswerTimeout.toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    private void giveUpOnSilentBranches(ProxyTransaction tx) {
        synchronized (tx) {
            for (Branch b : tx.branches) {
                if (b.isPending()) {
                    b.finalStatus = Response.REQUEST_TIMEOUT;
                }
            }
            finishIfDone(tx);
        }
    }

    /**
     * Forwards without a transaction ({@link Outcome.Relay}, RFC 3261 §16.11): the branch is derived from the incoming
     * one ({@link LoopDetector#statelessBranch}), so a retransmission leaves as the same transaction for the next hop,
     * and the responses come back as strays ({@link #onResponse} with no client transaction), which go upstream by
     * their Via. False when it could not be sent (no listener for the target's transport, or a destination not
     * allowed).
     */
    public boolean forwardStateless(Request request, Target target, Flow source) {
        Request copy = copies.prepare(request, target, false, source);
        Optional<LocalAddresses.Listener> out = egress.listenerFor(target.hop());
        if (out.isEmpty()) {
            return false;
        }
        try {
            copy.addFirst(egress.via(out.get(), target.hop(), copy, LoopDetector.statelessBranch(request)));
            egress.providerFor(out.get()).sendRequest(copy);
            return true;
        } catch (SipException | ParseException | InvalidArgumentException e) {
            LOG.debug("stateless forward of {} to {} failed: {}", copy.getMethod(), target.hop(), e.toString());
            return false;
        }
    }

    /** RFC 3261 §16.10: answer the CANCEL, then cancel every pending branch of its INVITE. */
    public void cancel(ServerTransaction cancelServer, Request cancel) {
        ProxyTransaction tx = cancellable.get(cancelKey(cancel));
        try {
            Response answer = responses.create(cancel, tx == null ? Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST
                    : Response.OK);
            cancelServer.sendResponse(answer);
            sent.accept(answer);
        } catch (SipException | InvalidArgumentException e) {
            LOG.debug("cannot answer CANCEL: {}", e.toString());
        }
        if (tx != null) {
            if (tx.anchorsMedia) {
                media.cancelled(tx.request);
            }
            synchronized (tx) {
                tx.cancelled = true;
                tx.branches.forEach(this::cancelBranch);
            }
        }
    }

    /**
     * A response on one of our client transactions, or a stray one (client == null: see {@link
     * #forwardStrayResponse});
     * {@code from}: the IP address it came from.
     */
    public void onResponse(ClientTransaction client, Response response, SipProvider receivedOn,
            Optional<InetAddress> from) {
        if (originator.onResponse(client, response)) {
            return;
        }
        if (client == null || !(client.getApplicationData() instanceof Branch branch)) {
            forwardStrayResponse(response, receivedOn);
            return;
        }
        ProxyTransaction tx = branch.owner;
        int status = response.getStatusCode();
        synchronized (tx) {
            Optional<InetAddress> device = deviceSource.take(response, branch.hop, from);
            if (status > Response.TRYING && tx.anchorsMedia) {
                media.onResponse(tx.request, response, device);
            } else if (status > Response.TRYING) {
                // a request another node handed over (only those do not anchor media here): that node anchors
                device.ifPresent(address -> deviceSource.note(response, address));
            }
            if (!branch.isPending()) {
                // another 2xx of a forked INVITE after this branch ended is still forwarded (§16.7 step 5)
                if (status / 100 == 2 && tx.isInvite()) {
                    relayUpstream(tx, response);
                }
                return;
            }
            if (status < 200) {
                onProvisional(tx, branch, response, status);
                return;
            }
            branch.finalResponse = response;
            branch.finalStatus = status;
            stopTimerC(branch);
            if (status < 300) {
                relayUpstream(tx, response);
                if (tx.isInvite() && ((ToHeader) tx.request.getHeader(ToHeader.NAME)).getTag() == null) {
                    calls.answered(tx.request);
                }
                tx.answered = true;
                cancelOthers(tx);
            } else if (status >= 600) {
                cancelOthers(tx);
            }
            finishIfDone(tx);
        }
    }

    /** A branch got no final answer in time (RFC 3261 timer B/F) or could not be sent. */
    public void onTimeout(ClientTransaction client) {
        if (originator.onTimeout(client)) {
            return;
        }
        if (client != null && client.getApplicationData() instanceof Branch branch) {
            endBranchLocally(branch, Response.REQUEST_TIMEOUT);
        }
    }

    private void onProvisional(ProxyTransaction tx, Branch branch, Response response, int status) {
        if (status == Response.TRYING) {
            return; // hop by hop, never forwarded (§16.7 step 5)
        }
        branch.provisional = status;
        if (branch.cancelWanted) {
            cancelBranch(branch);
            return;
        }
        if (tx.isInvite()) {
            restartTimerC(branch);
        }
        if (!tx.answered) {
            relayUpstream(tx, response);
        }
    }

    private void endBranchLocally(Branch branch, int status) {
        ProxyTransaction tx = branch.owner;
        synchronized (tx) {
            if (!branch.isPending()) {
                return;
            }
            branch.finalStatus = status;
            stopTimerC(branch);
            finishIfDone(tx);
        }
    }

    private void finishIfDone(ProxyTransaction tx) {
        if (!tx.allBranchesEnded()) {
            return;
        }
        cancellable.remove(tx.cancelKey);
        if (tx.silenceTimer != null) {
            tx.silenceTimer.cancel(false);
        }
        if (tx.answered) {
            return;
        }
        tx.answered = true;
        if (tx.isInvite() && tx.anchorsMedia) {
            media.inviteFailed(tx.request);
        }
        List<Integer> statuses = tx.branches.stream().map(b -> b.finalStatus).toList();
        Branch best = tx.branches.get(BestResponse.choose(statuses));
        if (tx.whenUnreachable != null && UNREACHABLE.contains(best.finalStatus)) {
            respondUpstream(tx, tx.whenUnreachable.get());
            return;
        }
        if (best.finalResponse == null) {
            respondUpstream(tx, responses.create(tx.request, best.finalStatus));
            return;
        }
        Response upstream = best.finalResponse;
        if (upstream.getStatusCode() == Response.SERVICE_UNAVAILABLE) {
            // §16.7 step 6: a 503 from downstream must not make upstream think *we* are unavailable
            respondUpstream(tx, responses.create(tx.request, Response.SERVER_INTERNAL_ERROR));
            return;
        }
        BestResponse.mergeChallenges(tx.branches, upstream);
        relayUpstream(tx, upstream);
    }

    private void cancelOthers(ProxyTransaction tx) {
        tx.branches.forEach(this::cancelBranch);
    }

    /** CANCEL a pending INVITE branch now if it has rung, else as soon as it does (§9.1). */
    private void cancelBranch(Branch branch) {
        if (!branch.isPending() || branch.cancelSent || !branch.owner.isInvite()) {
            return;
        }
        if (branch.client == null || branch.provisional == 0) {
            branch.cancelWanted = true;
            return;
        }
        branch.cancelSent = true;
        try {
            Request cancel = branch.client.createCancel();
            FlowRouter.pin(cancel, branch.hop);
            SipProvider provider = egress.providerFor(egress.listenerFor(branch.hop).orElseThrow());
            provider.getNewClientTransaction(cancel).sendRequest();
        } catch (SipException | RuntimeException e) {
            LOG.debug("CANCEL of a branch to {} failed: {}", branch.hop, e.toString());
        }
    }

    private void restartTimerC(Branch branch) {
        stopTimerC(branch);
        branch.timerC = timers.schedule(() -> {
            synchronized (branch.owner) {
                if (branch.isPending()) {
                    LOG.debug("timer C fired for a branch to {}", branch.hop);
                    cancelBranch(branch);
                }
            }
        }, timerC.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void stopTimerC(Branch branch) {
        if (branch.timerC != null) {
            branch.timerC.cancel(false);
            branch.timerC = null;
        }
    }

    private void send(Branch branch, Request copy, String branchPrefix) {
        Optional<LocalAddresses.Listener> out = egress.listenerFor(branch.hop);
        if (out.isEmpty()) {
            endBranchLocally(branch, Response.SERVICE_UNAVAILABLE);
            return;
        }
        try {
            copy.addFirst(egress.via(out.get(), branch.hop, copy,
                    branchPrefix + Long.toHexString(branchCounter.incrementAndGet())));
            ClientTransaction client = egress.providerFor(out.get()).getNewClientTransaction(copy);
            client.setApplicationData(branch);
            synchronized (branch.owner) {
                branch.client = client;
            }
            client.sendRequest();
        } catch (SipException | ParseException | InvalidArgumentException | RuntimeException e) {
            LOG.debug("cannot send {} to {}: {}", copy.getMethod(), branch.hop, e.toString());
            endBranchLocally(branch, Response.SERVICE_UNAVAILABLE);
        }
    }

    /** Strips our Via and sends the response upstream on the server transaction. */
    private void relayUpstream(ProxyTransaction tx, Response response) {
        Response upstream = (Response) response.clone();
        upstream.removeFirst(ViaHeader.NAME);
        // a callee is outside the trust domain: what it says about its identity is not passed on (RFC 3325 §5)
        IdentityAssertion.stripClaims(upstream);
        respondUpstream(tx, upstream);
    }

    private void respondUpstream(ProxyTransaction tx, Response response) {
        try {
            tx.server.sendResponse(response);
            sent.accept(response);
        } catch (SipException | InvalidArgumentException | RuntimeException e) {
            LOG.debug("cannot send {} upstream: {}", response.getStatusCode(), e.toString());
        }
    }

    /**
     * A response no transaction of ours waits for, sent upstream by its next Via: the answer to a request relayed
     * statelessly ({@link #forwardStateless}, RFC 3261 §16.11), or a 2xx retransmission after the transactions ended
     * (§16.7 steps 3 and 9).
     */
    private void forwardStrayResponse(Response response, SipProvider receivedOn) {
        ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
        if (top == null || top.getBranch() == null || !top.getBranch().startsWith(LoopDetector.BRANCH_MARK)) {
            return; // not ours: §16.7 step 3 says drop
        }
        Response upstream = (Response) response.clone();
        upstream.removeFirst(ViaHeader.NAME);
        if (!(upstream.getHeader(ViaHeader.NAME) instanceof ViaHeader next) || !egress.mayAnswer(next)) {
            return;
        }
        IdentityAssertion.stripClaims(upstream);
        // only a node notes where a device signalled from (DeviceSource), never the device itself
        upstream.removeHeader(DeviceSource.HEADER);
        media.onRetransmission(upstream);
        try {
            receivedOn.sendResponse(upstream);
            sent.accept(upstream);
        } catch (SipException e) {
            LOG.debug("cannot forward a stray {}: {}", response.getStatusCode(), e.toString());
        }
    }

    private static String cancelKey(Request request) {
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        return (via == null ? "" : via.getBranch()) + "|" + callId;
    }
}
