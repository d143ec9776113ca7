package org.liaison.sip.cluster;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This node's note of the devices whose trust ({@link RedisAuthFailures}) is recent, so that a trusted phone's
 * REGISTER or MESSAGE is admitted without asking Redis: a trusted device is never refused, and its trust ends only
 * when it fails (or, at the latest, when it is no longer recent). A failure through any node that ends a trust
 * publishes the pair's trust key on {@value #DISTRUST_CHANNEL}; every node drops what it noted for that pair.
 *
 * <p>Only trusted while the subscription is live: when the pub/sub connection drops, a message may be lost, so
 * everything is dropped and nothing noted until Redis confirms the subscription again. A check that read Redis just
 * before a drop, and notes its result just after, would keep an ended trust: every drop moves a generation, and
 * {@link #note} takes back what it noted if the generation moved since the read began.
 */
final class RecentTrust extends SubscribedCopy {
    /** Where {@code RedisAuthFailures}'s failure script publishes (the name is written in its Lua text). */
    static final String DISTRUST_CHANNEL = "liaison:auth-distrusted";
    /** Bounds memory (one entry per device and pair, about 200 bytes): beyond it, nothing more is noted. */
    private static final int MAX_PAIRS = 200_000;
    private static final long SWEEP_INTERVAL_MILLIS = 60_000;

    /** By trust key (one per source and user): the device's marks, joined, to when their trust stops being recent. */
    private final ConcurrentHashMap<String, Map<String, Long>> recentUntil = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile long nextSweepAt;

    /** Whether the device with {@code marks} was noted as recently trusted under {@code trustKey} at {@code now}. */
    boolean isRecent(String trustKey, String marks, long now) {
        if (!live()) {
            return false;
        }
        Long until = recentUntil.getOrDefault(trustKey, Map.of()).get(marks);
        return until != null && until > now;
    }

    /** Taken before reading Redis, handed to {@link #note}. */
    long generation() {
        return generation.get();
    }

    /** Notes that the device's trust is recent until {@code until}, as read from Redis after {@code generation}. */
    void note(String trustKey, String marks, long until, long generation, long now) {
        if (!live() || recentUntil.size() >= MAX_PAIRS && !sweep(now)) {
            return; // full of live notes: this device's checks go to Redis, as without notes
        }
        recentUntil.compute(trustKey, (key, devices) -> {
            Map<String, Long> noted = devices == null ? new HashMap<>() : new HashMap<>(devices);
            noted.put(marks, until);
            return Map.copyOf(noted);
        });
        // a drop between the read and the note above must win
        if (this.generation.get() != generation || !live()) {
            drop(trustKey);
        }
    }

    /** The trust of some device under {@code trustKey} ended (through this node or another). */
    void drop(String trustKey) {
        generation.incrementAndGet();
        recentUntil.remove(trustKey);
    }

    /** Forgets what is no longer recent, at most once a minute (it reads every note); whether there is room. */
    private boolean sweep(long now) {
        if (now < nextSweepAt) {
            return false;
        }
        nextSweepAt = now + SWEEP_INTERVAL_MILLIS;
        recentUntil.replaceAll((key, devices) -> Map.copyOf(withoutPast(devices, now)));
        recentUntil.values().removeIf(Map::isEmpty);
        return recentUntil.size() < MAX_PAIRS;
    }

    private static Map<String, Long> withoutPast(Map<String, Long> devices, long now) {
        Map<String, Long> left = new HashMap<>(devices);
        left.values().removeIf(until -> until <= now);
        return left;
    }

    @Override
    protected void dropAll() {
        generation.incrementAndGet();
        recentUntil.clear();
    }

    @Override
    public void message(String channel, byte[] trustKey) {
        drop(new String(trustKey, StandardCharsets.UTF_8));
    }
}
