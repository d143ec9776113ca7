package org.liaison.im.messaging;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.liaison.im.NewMessage;

/**
 * A group post, kept in the offline store ONCE for all the members it is owed to (one durable
 * write, however large the group) before the sender hears it was accepted (RFC 3428 §7), then
 * handed to the members' devices, so offline members get it when they come back and nobody gets
 * it twice ({@link StoreAndForward#keepForMembers}).
 *
 * <p>Storing a post (an fsync) and handing it to hundreds of online members is work no SIP worker
 * thread should do: there are few, and everyone's REGISTERs wait behind them. Posts are kept one
 * at a time on a thread of their own, {@code liaison-group-posts}, with a bounded backlog; past it
 * the post is refused {@link Acceptance.Verdict#BUSY} at once, and nothing is lost that was
 * accepted.
 */
public final class GroupFanOut {
    /** Posts waiting to be stored: a few seconds of work at disk speed, at most 6.4 MB of bodies. */
    static final int POST_BACKLOG = 100;

    private final StoreAndForward messages;
    private final MessagingMetrics metrics;
    private final Executor posting;

    public GroupFanOut(StoreAndForward messages, MessagingMetrics metrics) {
        this(messages, metrics, postingThread());
    }

    GroupFanOut(StoreAndForward messages, MessagingMetrics metrics, Executor posting) {
        this.messages = messages;
        this.metrics = metrics;
        this.posting = posting;
    }

    /** One daemon thread that ends itself when idle, so a stopped server leaves nothing running for long. */
    private static Executor postingThread() {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 10, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(POST_BACKLOG), r -> {
                    Thread t = new Thread(r, "liaison-group-posts");
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * Keeps {@code post} (its recipient names the group) for {@code members} on the posting thread.
     * The stage completes there, with {@link Acceptance.Verdict#KEPT} and the hand-out to run once
     * the sender has its answer, or why not; at once with {@link Acceptance.Verdict#BUSY} when the
     * backlog is full.
     */
    public CompletionStage<Acceptance> post(NewMessage post, List<String> members) {
        CompletableFuture<Acceptance> answer = new CompletableFuture<>();
        try {
            posting.execute(() -> {
                try {
                    answer.complete(messages.keepForMembers(post, members));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException busy) {
            metrics.failed();
            answer.complete(Acceptance.refused(Acceptance.Verdict.BUSY));
        }
        return answer;
    }
}
