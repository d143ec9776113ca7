package org.liaison.sip.messaging;

import java.util.List;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.NewMessage;
import org.liaison.im.messaging.GroupFanOut;
import org.liaison.im.messaging.MessageKind;
import org.liaison.im.messaging.MessagePolicy;
import org.liaison.im.messaging.MessagingMetrics;
import org.liaison.im.messaging.UndecodableBodyException;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Responses;

/**
 * Group chat from any SIP client, the SIP side of im's {@link GroupFanOut}: a MESSAGE to
 * {@code sip:<group>@<domain>} (a group named in users.csv) reaches every member but the sender,
 * kept ONCE for all of them before the 202 (RFC 3428 §7), off the SIP worker threads; past the
 * posting backlog the poster gets 503 with Retry-After (RFC 3261 §21.5.4). The copy's From is the
 * group's URI with the sender's name as display name, so a reply from any client goes to the
 * group; a CPIM body (Linphone) keeps the real sender inside, untouched. Only members may post.
 * Typing notices and receipts to a group are answered and dropped: a receipt for a post goes to
 * the post's From, the group, and fanned out it would reach every member but the post's author.
 */
public final class GroupMessaging {
    private final AccountDirectory accounts;
    private final GroupFanOut fanOut;
    private final Responses responses;
    private final String domain;
    private final MessagingMetrics metrics;
    private final MessagePolicy policy;

    public GroupMessaging(AccountDirectory accounts, GroupFanOut fanOut, Responses responses, String domain,
            MessagingMetrics metrics, MessagePolicy policy) {
        this.accounts = accounts;
        this.fanOut = fanOut;
        this.responses = responses;
        this.domain = domain;
        this.metrics = metrics;
        this.policy = policy;
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
        MessageKind kind = SipChat.kind(request, policy);
        if (kind != MessageKind.CHAT || !MessagePolicy.isStorable(kind, SipChat.expires(request))) {
            // typing notices and Expires: 0 only matter now, receipts to a group reach nobody who wants them
            return new Outcome.Respond(responses.create(request, Response.OK));
        }
        String from = "\"" + escape(sender.displayName().isEmpty() ? sender.username() : sender.displayName())
                + "\" <sip:" + group + "@" + domain + ">";
        List<String> others = members.stream().filter(member -> !member.equals(sender)).map(Account::username)
                .toList();
        NewMessage post;
        try {
            post = SipChat.newMessage(request, group, from, sender.username(), policy);
        } catch (UndecodableBodyException e) {
            return new Outcome.Respond(SipChat.refusal(responses, request, e));
        }
        return new Outcome.Later(fanOut.post(post, others)
                .thenApply(kept -> new Outcome.Respond(SipChat.answer(responses, request, kept.verdict()),
                        kept.afterAnswer())));
    }

    private static String escape(String displayName) {
        return displayName.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
