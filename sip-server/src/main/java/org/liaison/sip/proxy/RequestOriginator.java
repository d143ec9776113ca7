package org.liaison.sip.proxy;

import java.text.ParseException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import javax.sip.ClientTransaction;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.sip.message.FlowRouter;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the server sends as a user agent client (a stored message on its way to a device), on
 * a client transaction of their own; their answers and timeouts come back through the
 * {@link Forwarder}, which hands them here.
 */
final class RequestOriginator implements Originator {
    /** The forwarder's logger, as before this was split from it: the same log lines for operators. */
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final Egress egress;
    private final RequestCopies copies;
    private final AtomicLong branchCounter = new AtomicLong();

    RequestOriginator(Egress egress, RequestCopies copies) {
        this.egress = egress;
        this.copies = copies;
    }

    /** The callback of a request we originated, kept as its client transaction's application data. */
    private record Originated(IntConsumer onFinal) {
    }

    @Override
    public void originate(Request request, Target target, IntConsumer onFinal) {
        Optional<LocalAddresses.Listener> out = egress.listenerFor(target.hop());
        if (out.isEmpty()) {
            onFinal.accept(Response.SERVICE_UNAVAILABLE);
            return;
        }
        try {
            request.setRequestURI(target.requestUri());
            if (target.owningNode().isPresent()) {
                // a device on another node: the handoff's Route and token (a Path alone is not put on the server's
                // own requests, as before; RFC 3327 §5.3 would want it)
                copies.addRoutes(request, target);
            }
            FlowRouter.pin(request, target.hop());
            request.addFirst(egress.via(out.get(), target.hop(), request, LoopDetector.branchPrefix(request) + "o"
                    + Long.toHexString(branchCounter.incrementAndGet())));
            ClientTransaction client = egress.providerFor(out.get()).getNewClientTransaction(request);
            client.setApplicationData(new Originated(onFinal));
            client.sendRequest();
        } catch (SipException | ParseException | InvalidArgumentException | RuntimeException e) {
            LOG.debug("cannot send {} to {}: {}", request.getMethod(), target.hop(), e.toString());
            onFinal.accept(Response.SERVICE_UNAVAILABLE);
        }
    }

    /** Whether {@code client} carries a request we originated; if so its final status goes to the caller. */
    boolean onResponse(ClientTransaction client, Response response) {
        if (client == null || !(client.getApplicationData() instanceof Originated o)) {
            return false;
        }
        if (response.getStatusCode() >= 200) {
            o.onFinal().accept(response.getStatusCode());
        }
        return true;
    }

    /** Whether {@code client} carries a request we originated; if so it counts as 408. */
    boolean onTimeout(ClientTransaction client) {
        if (client == null || !(client.getApplicationData() instanceof Originated o)) {
            return false;
        }
        o.onFinal().accept(Response.REQUEST_TIMEOUT);
        return true;
    }
}
