package org.liaison.sip.messaging;

import gov.nist.javax.sip.header.RetryAfter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sip.InvalidArgumentException;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.im.MessageTooLargeException;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.im.SenderQueueFullException;
import org.liaison.provisioning.Account;
import org.liaison.provisioning.AccountDirectory;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Responses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group chat from any SIP client: a MESSAGE to {@code sip:<group>@<domain>} (a group named in
 * users.csv) reaches every member but the sender. The post is kept in the offline store ONCE for
 * all members (one durable write, however large the group) before the 202 (RFC 3428 §7: accepted
 * for later delivery), then handed to the members' devices, so offline members get it when they
 * come back and nobody gets it twice. The copy's From is the group's URI with the sender's name as
 * display name, so a reply from any client goes to the group; a CPIM body (Linphone) keeps the real
 * sender inside, untouched. Only members may post.
 *
 * <p>Storing a post (an fsync) and handing it to hundreds of online members is work no SIP worker
 * thread should do: there are few, and everyone's REGISTERs wait behind them. Posts are stored,
 * answered and handed out one at a time on a thread of their own, with a bounded backlog; past it
 * a poster gets 503 with Retry-After (RFC 3261 §21.5.4), nothing is lost that was answered 202.
 */
public final class GroupMessaging {
    private static final Logger LOG = LoggerFactory.getLogger(GroupMessaging.class);
    /** Posts waiting to be stored: a few seconds of work at disk speed, at most 6.4 MB of bodies. */
    private static final int POST_BACKLOG = 100;
    private static final int BUSY_RETRY_AFTER_SECONDS = 5;

    private final AccountDirectory accounts;
    private final OfflineStore store;
    private final MessageDelivery delivery;
    private final Responses responses;
    private final String domain;
    private final MessagingMetrics metrics;
    private final ExecutorService posting = postingThread();

    public GroupMessaging(AccountDirectory accounts, OfflineStore store, MessageDelivery delivery, Responses responses,
            String domain, MessagingMetrics metrics) {
        this.accounts = accounts;
        this.store = store;
        this.delivery = delivery;
        this.responses = responses;
        this.domain = domain;
        this.metrics = metrics;
    }

    /** One daemon thread that ends itself when idle, so a stopped server leaves nothing running for long. */
    private static ExecutorService postingThread() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(POST_BACKLOG), r -> {
                    Thread t = new Thread(r, "liaison-group-posts");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
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
        NewMessage post = new NewMessage(group, from, callId, contentType, body, sender.username());
        List<String> others = members.stream().filter(member -> !member.equals(sender)).map(Account::username)
                .toList();
        CompletableFuture<Outcome.Respond> answer = new CompletableFuture<>();
        try {
            posting.execute(() -> {
                try {
                    answer.complete(keep(request, post, others));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException busy) {
            metrics.failed();
            return new Outcome.Respond(busy(request));
        }
        return new Outcome.Later(answer);
    }

    /** On the posting thread: the post made durable for each member with room, then 202 and the hand-out. */
    private Outcome.Respond keep(Request request, NewMessage post, List<String> others) {
        List<String> kept;
        try {
            kept = store.storeForMembers(post, others);
        } catch (MessageTooLargeException e) {
            return new Outcome.Respond(responses.create(request, Response.MESSAGE_TOO_LARGE));
        } catch (SenderQueueFullException e) {
            metrics.failed();
            return new Outcome.Respond(OfflineMessaging.tooManyWaiting(responses, request));
        } catch (UncheckedIOException e) {
            LOG.error("cannot store a post to group {}: {}", post.recipient(), e.getMessage());
            metrics.failed();
            return new Outcome.Respond(responses.create(request, Response.SERVER_INTERNAL_ERROR,
                    "Message store unavailable"));
        }
        kept.forEach(member -> metrics.stored());
        if (kept.size() < others.size()) {
            LOG.info("post of {} to group {} not kept for {} of {} members (their queues are full for it)",
                    post.origin(), post.recipient(), others.size() - kept.size(), others.size());
            others.subList(kept.size(), others.size()).forEach(member -> metrics.failed());
        }
        if (kept.isEmpty() && !others.isEmpty()) {
            return new Outcome.Respond(OfflineMessaging.tooManyWaiting(responses, request));
        }
        return new Outcome.Respond(responses.create(request, Response.ACCEPTED),
                () -> kept.forEach(this::deliverTo));
    }

    private void deliverTo(String member) {
        try {
            delivery.deliverTo(member);
        } catch (RuntimeException e) {
            LOG.warn("group post not handed to {} now (it stays stored): {}", member, e.toString());
        }
    }

    /** RFC 3261 §21.5.4: the server is overloaded for now; Retry-After says when to try again. */
    private Response busy(Request request) {
        Response response = responses.create(request, Response.SERVICE_UNAVAILABLE, "Too many group posts waiting");
        RetryAfter retry = new RetryAfter();
        try {
            retry.setRetryAfter(BUSY_RETRY_AFTER_SECONDS);
        } catch (InvalidArgumentException e) {
            throw new IllegalStateException("a positive Retry-After is valid", e);
        }
        response.addHeader(retry);
        return response;
    }

    private static String escape(String displayName) {
        return displayName.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
