package org.liaison.sip.registrar;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.liaison.sip.cluster.ClusterRedis;

/**
 * The compare-and-set writes of this node's binding lists, sent to Redis together: the writes that arrive within
 * {@value #WINDOW_MS} ms (or {@value #MOST} of them, whichever comes first) go as one script call, which Redis runs
 * as one atomic step with one append to its log, one fsync and one reply.
 *
 * <p>Why: with {@code appendfsync always} a call's fixed cost (the fsync, the system calls, the script's entry) is
 * most of what a REGISTER costs Redis, about 100 of 125 µs measured on the benchmark machine, and lettuce's own work
 * per call is of the same order; shared by ten writes it falls to a tenth (docs/BENCHMARKS.md, issue 10). The price
 * is up to {@value #WINDOW_MS} ms more before a REGISTER's 200, which no phone notices. 20 ms rather than 10: each
 * node of a cluster sees its share of the rate, and with 10 ms two nodes at 500/s each sent half-size batches and
 * paid 14-22 % more per REGISTER than with 20 (docs/BENCHMARKS.md, 2026-12-07 23:14). Durability is unchanged:
 * each write's future completes only once Redis answered, after the fsync.
 *
 * <p>Futures complete on this class's own threads (never lettuce's I/O thread, where waiting for Redis would
 * deadlock), in the order the writes were sent; what runs there must not wait for a batch of this class.
 */
final class BindingWriteBatches implements AutoCloseable {
    static final long WINDOW_MS = 20;
    static final int MOST = 64;

    /**
     * ARGV: the channel, the number of writes n, then each write's numbers of keys and of arguments (2n numbers),
     * then every write's arguments in order; KEYS: every write's keys in order. Runs {@code write} on each write's
     * keys and arguments, publishes what they added to {@code published} as one message (lines), and returns what
     * each write returned, in order.
     */
    private static final String BATCH = """
            local n = tonumber(ARGV[2])
            local results, published = {}, {}
            local k, a = 1, 3 + 2 * n
            for i = 1, n do
              local keys, args = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
              results[i] = write({unpack(KEYS, k, k + keys - 1)}, {unpack(ARGV, a, a + args - 1)}, published)
              k = k + keys
              a = a + args
            end
            if #published > 0 then redis.call('PUBLISH', ARGV[1], table.concat(published, '\\n')) end
            return results
            """;

    private final ClusterRedis redis;
    private final String script;
    private final byte[] channel;
    private final ScheduledExecutorService threads;
    private List<Write> pending = new ArrayList<>();

    /** A write: its keys and arguments, and the future of what the script returned for it. */
    private record Write(List<String> keys, List<byte[]> args, CompletableFuture<List<Object>> done) {
    }

    /**
     * {@code write}: the Lua body of one write, a function of {@code KEYS} and {@code ARGV} (one write's own) that
     * returns an array and may add lines to the table {@code published}: a batch publishes them all on
     * {@code channel} as one message, so a node subscribed there gets one message per batch instead of one per
     * write (a message to each subscriber costs Redis about as much as a write's own commands).
     */
    BindingWriteBatches(ClusterRedis redis, String write, String channel) {
        this.redis = redis;
        this.channel = channel.getBytes(StandardCharsets.UTF_8);
        this.script = "local function write(KEYS, ARGV, published)\n" + write + "end\n" + BATCH;
        AtomicInteger count = new AtomicInteger();
        this.threads = new ScheduledThreadPoolExecutor(2, task -> {
            Thread thread = new Thread(task, "liaison-binding-writes-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Sends {@code keys} and {@code args} to the write function with the next batch, or at once, alone, when
     * {@code retry}: a write retried after another node's change to its AoR must not wait for a window again, or two
     * nodes changing one AoR in step could each keep losing to the other's next batch. Completes with the write's
     * result, or with a {@link RedisException} when Redis failed or did not answer in time (the write may or may not
     * have happened).
     */
    CompletionStage<List<Object>> submit(List<String> keys, List<byte[]> args, boolean retry) {
        Write write = new Write(keys, args, new CompletableFuture<>());
        if (retry) {
            send(List.of(write));
            return write.done();
        }
        List<Write> full = null;
        synchronized (this) {
            pending.add(write);
            if (pending.size() >= MOST) {
                full = takePending();
            } else if (pending.size() == 1) {
                threads.schedule(this::sendPending, WINDOW_MS, TimeUnit.MILLISECONDS);
            }
        }
        if (full != null) {
            send(full);
        }
        return write.done();
    }

    private void sendPending() {
        List<Write> due;
        synchronized (this) {
            due = takePending();
        }
        if (!due.isEmpty()) {
            send(due);
        }
    }

    private List<Write> takePending() {
        List<Write> taken = pending;
        pending = new ArrayList<>();
        return taken;
    }

    private void send(List<Write> batch) {
        List<String> keys = new ArrayList<>();
        List<byte[]> args = new ArrayList<>();
        args.add(channel);
        args.add(text(batch.size()));
        for (Write write : batch) {
            args.add(text(write.keys().size()));
            args.add(text(write.args().size()));
            keys.addAll(write.keys());
        }
        batch.forEach(write -> args.addAll(write.args()));
        CompletableFuture<List<Object>> results;
        try {
            results = redis.runScriptLater(script, ScriptOutputType.MULTI, keys.toArray(String[]::new),
                    args.toArray(byte[][]::new));
        } catch (RuntimeException e) {
            results = CompletableFuture.failedFuture(e);
        }
        results.whenComplete((each, failure) -> {
            try {
                threads.execute(() -> complete(batch, each, failure));
            } catch (RejectedExecutionException closed) {
                complete(batch, null, new RedisException("the node is stopping"));
            }
        });
    }

    private static void complete(List<Write> batch, List<Object> results, Throwable failure) {
        for (int i = 0; i < batch.size(); i++) {
            if (failure != null) {
                batch.get(i).done().completeExceptionally(failure);
            } else {
                @SuppressWarnings("unchecked")
                List<Object> result = (List<Object>) results.get(i);
                batch.get(i).done().complete(result);
            }
        }
    }

    private static byte[] text(int value) {
        return Integer.toString(value).getBytes(StandardCharsets.UTF_8);
    }

    /** Sends what is pending, then stops; writes answered afterwards fail, and none may be submitted. */
    @Override
    public void close() {
        sendPending();
        threads.shutdown();
    }
}
