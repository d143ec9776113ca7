package org.liaison.sip.message;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.DefaultRouter;
import java.util.ListIterator;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.Router;
import javax.sip.message.Request;

/**
 * The stack's next-hop decision, with one addition: a request the proxy has pinned to a hop (the
 * flow a device registered from, RFC 5626 §5.3, or the connection it uses) goes there, whatever
 * its Request-URI says. Everything else follows RFC 3261 §8.1.2 as the default router does.
 * JAIN-SIP instantiates this class by name ({@code javax.sip.ROUTER_PATH}).
 */
public final class FlowRouter implements Router {
    private final DefaultRouter standard;

    public FlowRouter(SipStack stack, String outboundProxy) {
        this.standard = new DefaultRouter(stack, outboundProxy);
    }

    /** Pins {@code request} to {@code hop}: the stack will send it there. */
    public static void pin(Request request, Hop hop) {
        ((SIPMessage) request).setApplicationData(hop);
    }

    @Override
    public Hop getNextHop(Request request) throws SipException {
        if (request instanceof SIPMessage m && m.getApplicationData() instanceof Hop pinned) {
            return pinned;
        }
        return standard.getNextHop(request);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ListIterator getNextHops(Request request) {
        return standard.getNextHops(request);
    }

    @Override
    public Hop getOutboundProxy() {
        return standard.getOutboundProxy();
    }
}
