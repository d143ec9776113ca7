package org.liaison.sip.routing;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.provisioning.Group;
import org.liaison.sip.config.IpLiteral;
import org.liaison.sip.media.MediaAnchor;
import org.liaison.sip.media.MediaRefusal;
import org.liaison.sip.message.Flow;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.message.Target;
import org.liaison.sip.registrar.TargetResolver;
import org.liaison.sip.registrar.TargetResolver.Resolution;

/**
 * A new call (INVITE outside a dialog) from an authenticated caller: to every device of the callee,
 * or of every member of a ring group, with its SDP offer replaced by the media relay's, and
 * record-routed so the dialog keeps passing through us (RFC 3261 §16.6 step 4).
 */
public final class InviteHandler {
    private final LocalAddresses local;
    private final AccountDirectory accounts;
    private final TargetResolver targets;
    private final UserTargets userTargets;
    private final MediaAnchor media;
    private final Refusals refusals;

    public InviteHandler(LocalAddresses local, AccountDirectory accounts, TargetResolver targets, MediaAnchor media,
            SipFactories sip) {
        this.local = local;
        this.accounts = accounts;
        this.targets = targets;
        this.userTargets = new UserTargets(local, targets);
        this.media = media;
        this.refusals = new Refusals(sip, local.domain());
    }

    /** {@code invite} from {@code caller}, who the router checked sends as itself, to our domain or an allowed one. */
    public Outcome invite(Request invite, SipURI requestUri, Account caller, Flow source) {
        Optional<Group> ringGroup = local.isOurHost(requestUri.getHost()) ? calledGroup(requestUri) : Optional.empty();
        Resolution resolution = ringGroup.isPresent() ? targets.forGroup(ringGroup.get(), caller)
                : userTargets.of(requestUri);
        if (resolution instanceof Resolution.Found found) {
            resolution = UserTargets.securedFor(requestUri, found.targets());
        }
        if (resolution instanceof Resolution.NotFound n) {
            return refusals.refuse(invite, n.status(), n.reason());
        }
        List<Target> devices = ((Resolution.Found) resolution).targets();
        Optional<MediaRefusal> refused = media.offerToDevices(invite, source,
                devices.stream().anyMatch(InviteHandler::isBehindNat));
        if (refused.isPresent()) {
            return refusals.refuse(invite, refused.get());
        }
        return new Outcome.Forward(invite, devices, true);
    }

    /** The group an INVITE's Request-URI names by id or extension, when it names no user (users come first). */
    private Optional<Group> calledGroup(SipURI requestUri) {
        if (requestUri.getUser() == null) {
            return Optional.empty();
        }
        String userPart = requestUri.getUser().toLowerCase(Locale.ROOT);
        return accounts.resolve(userPart).isPresent() ? Optional.empty() : accounts.resolveGroup(userPart);
    }

    /** A device reached at another address than its Contact's registered from behind a NAT. */
    private static boolean isBehindNat(Target target) {
        return target.requestUri() instanceof SipURI contact
                && !Objects.equals(IpLiteral.parse(contact.getHost()), IpLiteral.parse(target.hop().getHost()));
    }
}
