package org.liaison.sip.routing;

import java.util.Set;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.registrar.TargetResolver;
import org.liaison.sip.registrar.TargetResolver.Resolution;

/**
 * Any other request to a user from an authenticated sender (OPTIONS, SUBSCRIBE to events other than
 * presence, which the server answers itself, REFER, NOTIFY, INFO, ... outside a dialog): forked to
 * every device as it is. A ring group takes calls and a
 * group chat takes messages, nothing else: 404.
 */
public final class ForwardingHandler {
    /** Methods whose dialogs must keep passing through us (RFC 3261 §16.6 step 4); INVITE has its own handler. */
    private static final Set<String> DIALOG_CREATING = Set.of(Request.SUBSCRIBE, Request.REFER);

    private final UserTargets userTargets;
    private final Refusals refusals;

    public ForwardingHandler(LocalAddresses local, TargetResolver targets, SipFactories sip) {
        this.userTargets = new UserTargets(local, targets);
        this.refusals = new Refusals(sip, local.domain());
    }

    /** {@code request} from a sender the router checked sends as itself, to our domain or an allowed one. */
    public Outcome forward(Request request, SipURI requestUri) {
        Resolution resolution = userTargets.of(requestUri);
        if (resolution instanceof Resolution.Found found) {
            resolution = UserTargets.securedFor(requestUri, found.targets());
        }
        if (resolution instanceof Resolution.NotFound n) {
            return refusals.refuse(request, n.status(), n.reason());
        }
        return new Outcome.Forward(request, ((Resolution.Found) resolution).targets(),
                DIALOG_CREATING.contains(request.getMethod()));
    }
}
