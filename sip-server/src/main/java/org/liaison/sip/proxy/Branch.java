package org.liaison.sip.proxy;

import java.util.concurrent.ScheduledFuture;
import javax.sip.ClientTransaction;
import javax.sip.address.Hop;
import javax.sip.message.Response;

/** One forwarded copy of a request (RFC 3261 §16.6) and what became of it; guarded by its ProxyTransaction. */
final class Branch {
    final ProxyTransaction owner;
    final Hop hop;
    ClientTransaction client;
    /** Highest provisional status seen (0 = none): a CANCEL may only follow a provisional (§9.1). */
    int provisional;
    /** A CANCEL is owed as soon as a provisional arrives. */
    boolean cancelWanted;
    boolean cancelSent;
    /** The final response, or null while the branch is pending. */
    Response finalResponse;
    int finalStatus;
    ScheduledFuture<?> timerC;

    Branch(ProxyTransaction owner, Hop hop) {
        this.owner = owner;
        this.hop = hop;
    }

    boolean isPending() {
        return finalStatus == 0;
    }
}
