package org.liaison.sip.routing;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sip.address.SipURI;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.sip.message.LocalAddresses;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.SipFactories;
import org.liaison.sip.messaging.GroupMessaging;
import org.liaison.sip.messaging.OfflineMessaging;
import org.liaison.sip.registrar.TargetResolver;
import org.liaison.sip.registrar.TargetResolver.Resolution;

/**
 * A chat message (MESSAGE, RFC 3428) from an authenticated sender: to a group, posted to every
 * member; to a user, forked to every device, and stored for later (202) when no device is
 * registered or none takes it.
 */
public final class MessageHandler {
    private final LocalAddresses local;
    private final AccountDirectory accounts;
    private final UserTargets userTargets;
    private final OfflineMessaging offline;
    private final GroupMessaging groups;
    private final Refusals refusals;

    public MessageHandler(LocalAddresses local, AccountDirectory accounts, TargetResolver targets,
            OfflineMessaging offline, GroupMessaging groups, SipFactories sip) {
        this.local = local;
        this.accounts = accounts;
        this.userTargets = new UserTargets(local, targets);
        this.offline = offline;
        this.groups = groups;
        this.refusals = new Refusals(sip, local.domain());
    }

    /** {@code message} from {@code sender}, who the router checked sends as itself, to our domain or an allowed one. */
    public Outcome message(Request message, SipURI requestUri, Account sender) {
        Optional<Response> tooLarge = offline.refuseIfTooLarge(message);
        if (tooLarge.isPresent()) {
            return new Outcome.Respond(tooLarge.get());
        }
        Optional<String> userPart = local.isOurHost(requestUri.getHost()) && requestUri.getUser() != null
                ? Optional.of(requestUri.getUser().toLowerCase(Locale.ROOT)) : Optional.empty();
        if (userPart.isPresent()) {
            String name = userPart.get();
            List<Account> members = accounts.resolve(name).isPresent() ? List.of() : groups.members(name);
            if (!members.isEmpty()) {
                return groups.post(message, sender, name, members);
            }
        }
        Resolution resolution = userTargets.of(requestUri);
        Optional<String> recipient = userPart.filter(u -> offline.isStorable(message))
                .flatMap(accounts::resolve).map(Account::username);
        offline.accepted();
        if (resolution instanceof Resolution.NotFound n) {
            if (recipient.isPresent() && n.status() == Response.TEMPORARILY_UNAVAILABLE) {
                return new Outcome.Respond(offline.storeForLater(message, recipient.get()));
            }
            return refusals.refuse(message, n.status(), n.reason());
        }
        resolution = UserTargets.securedFor(requestUri, ((Resolution.Found) resolution).targets());
        if (resolution instanceof Resolution.NotFound n) {
            return refusals.refuse(message, n.status(), n.reason());
        }
        Supplier<Response> storeForLater = recipient.<Supplier<Response>>map(r -> () -> offline.storeForLater(message, r))
                .orElse(null);
        return new Outcome.Forward(message, ((Resolution.Found) resolution).targets(), false, storeForLater);
    }
}
