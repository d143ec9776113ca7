package org.liaison.sip.edge;

import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import java.util.function.BiConsumer;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.header.ViaHeader;
import javax.sip.message.Response;
import org.liaison.sip.proxy.LoopDetector;

/**
 * Hands the responses to requests relayed without a transaction ({@code Outcome.Relay}) to the forwarder before
 * JAIN-SIP looks for their client transaction. Finding none under the response's key, the stack compares the response
 * with every client transaction it holds ({@code SIPTransactionStack.newSIPServerResponse}): thousands under load, for
 * each relayed response, which doubled the CPU of a node that both relays and forwards statefully
 * (docs/BENCHMARKS.md, 2026-12-07 21:27). Our branch says which responses no transaction waits for
 * ({@link LoopDetector#isStatelessBranch}), so those skip the search.
 */
final class RelayedResponses implements SIPMessageValve {
    private final BiConsumer<Response, SipProvider> relayed;

    /** {@code relayed}: takes such a response and the provider of the listening point it arrived on. */
    RelayedResponses(BiConsumer<Response, SipProvider> relayed) {
        this.relayed = relayed;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
        if (top == null || !LoopDetector.isStatelessBranch(top.getBranch())) {
            return true;
        }
        relayed.accept(response, channel.getMessageProcessor().getListeningPoint().getProvider());
        return false; // taken: the stack does nothing more with it
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        return true;
    }

    @Override
    public void init(SipStack stack) {
        // added to the running stack by SipEdge, not created by it
    }

    @Override
    public void destroy() {
        // holds nothing
    }
}
