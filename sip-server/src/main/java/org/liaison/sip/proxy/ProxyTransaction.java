package org.liaison.sip.proxy;

import java.util.ArrayList;
import java.util.List;
import javax.sip.ServerTransaction;
import java.util.function.Supplier;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * The proxy's state for one incoming request (RFC 3261 §16.2: a stateful proxy is a server
 * transaction plus a set of client transactions). All fields are guarded by {@code this}.
 */
final class ProxyTransaction {
    final ServerTransaction server;
    final Request request;
    final String cancelKey;
    final List<Branch> branches = new ArrayList<>();
    /** The answer when no branch could be reached, or null to send the best failure (§16.7). */
    final Supplier<Response> whenUnreachable;
    /** This node does the media work of the responses (see {@code Outcome.Forward#anchorsMedia}). */
    final boolean anchorsMedia;
    /** A final response has gone upstream (a 2xx, or the best response once every branch ended). */
    boolean answered;
    boolean cancelled;
    /** Gives up on branches that stay silent, for requests with {@link #whenUnreachable}. */
    java.util.concurrent.ScheduledFuture<?> silenceTimer;

    ProxyTransaction(ServerTransaction server, Request request, String cancelKey, Supplier<Response> whenUnreachable,
            boolean anchorsMedia) {
        this.server = server;
        this.request = request;
        this.cancelKey = cancelKey;
        this.whenUnreachable = whenUnreachable;
        this.anchorsMedia = anchorsMedia;
    }

    boolean isInvite() {
        return Request.INVITE.equals(request.getMethod());
    }

    boolean allBranchesEnded() {
        return branches.stream().noneMatch(Branch::isPending);
    }
}
