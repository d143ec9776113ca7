package org.liaison.sip.messaging;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.MessageRejectedException;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.sip.routing.Outcome;
import org.liaison.sip.routing.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group chat from any SIP client: a MESSAGE to {@code sip:<group>@<domain>} (a group named in
 * users.csv) reaches every member but the sender. Each member's copy goes through the offline store
 * and out to the member's devices at once, so offline members get it when they come back and nobody
 * gets it twice. The copy's From is the group's URI with the sender's name as display name, so a
 * reply from any client goes to the group; a CPIM body (Linphone) keeps the real sender inside,
 * untouched. Only members may post.
 */
public final class GroupMessaging {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMessaging.class);

    private final AccountDirectory accounts;
    private final OfflineStore store;
    private final MessageDelivery delivery;
    private final Responses responses;
    private final String domain;
    private final MessagingMetrics metrics;

    public GroupMessaging(AccountDirectory accounts, OfflineStore store, MessageDelivery delivery, Responses responses,
            String domain, MessagingMetrics metrics) {
        this.accounts = accounts;
        this.store = store;
        this.delivery = delivery;
        this.responses = responses;
        this.domain = domain;
        this.metrics = metrics;
    }

    /** The members of {@code group} (empty when no account names it: then it is no group). */
    public List<Account> members(String group) {
        return accounts.members(group);
    }

    /** Posts {@code request} from {@code sender} to {@code group}, whose {@code members} are known. */
    public Outcome post(Request request, Account sender, String group, List<Account> members) {
        if (!members.contains(sender)) {
            return new Outcome.Respond(responses.create(request, Response.FORBIDDEN, "Not a member of " + group));
        }
        metrics.accepted();
        if (!OfflineMessaging.isStorable(request)) {
            // typing notices and Expires: 0 only matter now; they are not fanned out
            return new Outcome.Respond(responses.create(request, Response.OK));
        }
        String from = "\"" + escape(sender.displayName().isEmpty() ? sender.username() : sender.displayName())
                + "\" <sip:" + group + "@" + domain + ">";
        ContentTypeHeader type = (ContentTypeHeader) request.getHeader(ContentTypeHeader.NAME);
        String contentType = type == null ? "text/plain"
                : type.toString().substring(type.toString().indexOf(':') + 1).trim();
        String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
        byte[] body = request.getRawContent() == null ? new byte[0] : request.getRawContent();
        List<String> recipients = new ArrayList<>();
        for (Account member : members) {
            if (member.equals(sender)) {
                continue;
            }
            try {
                store.store(new NewMessage(member.username(), from, callId, contentType, body));
                metrics.stored();
                recipients.add(member.username());
            } catch (MessageRejectedException | UncheckedIOException e) {
                metrics.failed();
                LOG.warn("group {} message not kept for {}: {}", group, member.username(), e.getMessage());
            }
        }
        Response accepted = responses.create(request, Response.ACCEPTED);
        return new Outcome.Respond(accepted, () -> recipients.forEach(delivery::deliverTo));
    }

    private static String escape(String displayName) {
        return displayName.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
