package org.liaison.sip.registrar;

import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.cluster.SharedStateHealth;
import org.liaison.sip.cluster.SharedStateUnavailable;

/**
 * The location service of a cluster: every node of the domain keeps its bindings in one Redis, so
 * any node resolves any AoR or GRUU, and a node can die without losing a registration.
 *
 * <p>Keys: {@code liaison:reg:AOR} holds the AoR's whole binding list ({@link BindingCodec}, as
 * one journal record of the embedded service) and expires, as a Redis TTL, when its last binding
 * does, so no sweeper is needed for correctness. {@code liaison:reg-contact:USER@HOST:PORT} is the
 * set of AoRs with a binding at that Contact (for {@link #findByContact}); it lives as long as the
 * longest of those bindings. {@code liaison:reg-expiries} scores {@code AOR\nKEY} with the
 * binding's expiry in epoch milliseconds, so {@link #count} is one ZCOUNT and {@link #purgeExpired}
 * one ZREMRANGEBYSCORE that tidies it. Expiry is also checked against this node's clock on every
 * read, as the contract requires: nodes must keep their clocks in step (NTP).
 *
 * <p>{@link #update} is optimistic, per AoR, across nodes: read the list, apply the change in
 * Java, then one Lua script writes the list and its index entries and publishes the AoR only if
 * the list is still the one read; otherwise read again. A script rather than WATCH/MULTI/EXEC
 * because WATCH binds the whole connection, and this one connection is shared by every thread of
 * the process (lettuce pipelines it); the script is atomic on any connection. This node's changes
 * of one AoR wait for each other, so only two nodes racing on one AoR ever retry; the change may
 * then run more than once, which is why it must be pure. The writes of a few ms go to Redis as
 * one script call ({@link BindingWriteBatches}), each still its own compare-and-set.
 *
 * <p>Lookups are served from {@link SubscribedBindingCache}, which holds what this node wrote and read,
 * and drops what the other nodes publish on {@value #CHANGED_CHANNEL} that they changed. Every Redis
 * failure or timeout is thrown as {@link SharedStateUnavailable}, never as lettuce's own exception,
 * and noted by the {@link SharedStateHealth} of the connection.
 */
public final class RedisLocationService implements LocationService, AutoCloseable {
    static final String CHANGED_CHANNEL = "liaison:reg-changed";
    static final String BINDINGS_KEY = "liaison:reg:";
    private static final String CONTACT_KEY = "liaison:reg-contact:";
    private static final String EXPIRIES_KEY = "liaison:reg-expiries";
    private static final int MAX_ATTEMPTS = 50;
    private static final byte[] ABSENT = new byte[0];
    /** The first element of what {@link #COMPARE_AND_SET} returns. */
    private static final Long WRITTEN = 1L;
    private static final Long CLAIMED_BY_OTHERS = 2L;
    /**
     * One write of {@link BindingWriteBatches}. KEYS: the list, the expiries, then the contact sets to leave, then
     * those to join, then those claimed (whose other members refuse the write). ARGV: the list read (empty = none),
     * the new list (empty = remove), its TTL in ms, the AoR, the numbers of expiries to remove and to add, of contact
     * sets left, of contact sets claimed and of other AoRs already found harmless there, then those AoRs, then the
     * expiries removed, then (score, member) pairs, then one TTL in ms per contact set joined. Returns {1} when
     * written (and adds the AoR to what the batch publishes), {0} when the list was not the one read, {2, AOR...}
     * (nothing written) when other AoRs are in a claimed set: the caller decides.
     */
    private static final String COMPARE_AND_SET = """
            local current = redis.call('GET', KEYS[1]) or ''
            if current ~= ARGV[1] then return {0} end
            local removed, added, left = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
            local claimed, harmless = tonumber(ARGV[8]), tonumber(ARGV[9])
            local a = 10
            local known = {[ARGV[4]] = true}
            for i = 1, harmless do known[ARGV[a]] = true; a = a + 1 end
            local others = {2}
            for k = #KEYS - claimed + 1, #KEYS do
              for _, aor in ipairs(redis.call('SMEMBERS', KEYS[k])) do
                if not known[aor] then known[aor] = true; others[#others + 1] = aor end
              end
            end
            if #others > 1 then return others end
            if ARGV[2] == '' then redis.call('DEL', KEYS[1])
            else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
            for i = 1, removed do redis.call('ZREM', KEYS[2], ARGV[a]); a = a + 1 end
            for i = 1, added do redis.call('ZADD', KEYS[2], ARGV[a], ARGV[a + 1]); a = a + 2 end
            for k = 3, 2 + left do redis.call('SREM', KEYS[k], ARGV[4]) end
            for k = 3 + left, #KEYS - claimed do
              redis.call('SADD', KEYS[k], ARGV[4])
              redis.call('PEXPIRE', KEYS[k], ARGV[a], 'NX')
              redis.call('PEXPIRE', KEYS[k], ARGV[a], 'GT')
              a = a + 1
            end
            published[#published + 1] = ARGV[4]
            return {1}
            """;

    private final RedisCommands<String, byte[]> redis;
    private final BindingWriteBatches writes;
    private final SharedStateHealth health;
    private final StatefulRedisPubSubConnection<String, byte[]> changes;
    private final SubscribedBindingCache cache;
    private final Clock clock;
    /** The last change of each AoR this node is making: the next one waits for it. */
    private final ConcurrentHashMap<String, CompletableFuture<Claim>> inFlight = new ConcurrentHashMap<>();

    private RedisLocationService(ClusterRedis shared, StatefulRedisPubSubConnection<String, byte[]> changes,
            SubscribedBindingCache cache, Clock clock) {
        this.redis = shared.commands();
        this.writes = new BindingWriteBatches(shared, COMPARE_AND_SET, CHANGED_CHANNEL);
        this.health = shared.health();
        this.changes = changes;
        this.cache = cache;
        this.clock = clock;
    }

    /** The bindings kept in {@code redis}, with this node subscribed to their changes; closing unsubscribes. */
    public static RedisLocationService open(ClusterRedis redis, Clock clock) {
        SubscribedBindingCache cache = new SubscribedBindingCache();
        return new RedisLocationService(redis, redis.subscribe(cache, CHANGED_CHANNEL), cache, clock);
    }

    @Override
    public List<Binding> lookup(String aor) {
        return BindingLists.live(readThroughCache(aor).bindings(), clock.instant());
    }

    private SubscribedBindingCache.Entry readThroughCache(String aor) {
        Optional<SubscribedBindingCache.Entry> cached = cache.get(aor);
        if (cached.isPresent()) {
            return cached.get();
        }
        long mark = cache.mark(aor);
        SubscribedBindingCache.Entry read = read(aor);
        cache.put(aor, read, mark);
        return read;
    }

    @Override
    public Optional<Binding> findByInstance(String aor, String instanceId) {
        // the GRUU names its AoR, whose one key is read (or cached) anyway: no index needed
        return BindingLists.ofInstance(lookup(aor), instanceId);
    }

    @Override
    public Optional<Binding> findByContact(String contactUri) {
        return findByContact(contactUri, aor -> true);
    }

    @Override
    public Optional<Binding> findOthersByContact(String contactUri, String aor) {
        return findByContact(contactUri, other -> !other.equals(aor));
    }

    private Optional<Binding> findByContact(String contactUri, Predicate<String> among) {
        return ContactUris.normalized(contactUri).flatMap(wanted -> aorsWithContact(wanted).stream().filter(among)
                .flatMap(aor -> BindingLists.withContact(lookup(aor), wanted).stream()).findFirst());
    }

    private List<String> aorsWithContact(String contact) {
        try {
            return redis.smembers(CONTACT_KEY + contact).stream().map(aor -> new String(aor, StandardCharsets.UTF_8))
                    .sorted().toList();
        } catch (RedisException e) {
            throw health.unavailable("read the contact index", e);
        }
    }

    @Override
    public List<Binding> update(String aor, UnaryOperator<List<Binding>> change) {
        return updateClaiming(aor, List.of(), binding -> false, change).stored();
    }

    /** As {@link #updateClaimingLater}, waiting for it: up to a batch window ({@link BindingWriteBatches}) more. */
    @Override
    public Claim updateClaiming(String aor, List<String> contactUris, Predicate<Binding> taken,
            UnaryOperator<List<Binding>> change) {
        try {
            return updateClaimingLater(aor, contactUris, taken, change).toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * The claim is checked by the compare-and-set script itself (the contact sets claimed are read there): no round
     * trip before the write, and no other node's write between the check and this one. Only when another AoR is in
     * a claimed set does this node read its bindings to decide, then try again with that AoR found harmless.
     *
     * <p>This node's changes of one AoR run one after another, each from what the one before stored, so they never
     * race each other: only two nodes racing on one AoR ever retry. The write goes with the next batch
     * ({@link BindingWriteBatches}); the rest of the first attempt runs on the caller's thread.
     */
    @Override
    public CompletionStage<Claim> updateClaimingLater(String aor, List<String> contactUris, Predicate<Binding> taken,
            UnaryOperator<List<Binding>> change) {
        Objects.requireNonNull(aor, "aor");
        Change update = new Change(aor, contactUris.stream().map(ContactUris::normalized).flatMap(Optional::stream)
                .distinct().toList(), contactUris, taken, change, new TreeSet<>());
        CompletableFuture<Claim> done = new CompletableFuture<>();
        CompletableFuture<?> before = inFlight.put(aor, done);
        Runnable start = () -> {
            CompletionStage<Claim> attempts;
            try {
                // the cached record first (a re-REGISTER's is usually current): one round trip less when it is, and
                // a compare-and-set that fails when it is not
                attempts = attempt(update, readThroughCache(aor), 1);
            } catch (RuntimeException e) {
                attempts = CompletableFuture.failedFuture(e);
            }
            attempts.whenComplete((claim, failure) -> {
                inFlight.remove(aor, done);
                if (failure != null) {
                    done.completeExceptionally(failure instanceof CompletionException c ? c.getCause() : failure);
                } else {
                    done.complete(claim);
                }
            });
        };
        if (before == null) {
            start.run();
        } else {
            before.whenComplete((claim, failure) -> start.run());
        }
        return done;
    }

    /** One call of {@link #updateClaimingLater}: what it claims ({@code claimed}: normalized), and who was harmless. */
    private record Change(String aor, List<String> claimed, List<String> contactUris, Predicate<Binding> taken,
            UnaryOperator<List<Binding>> change, Set<String> harmless) {
    }

    private CompletionStage<Claim> attempt(Change update, SubscribedBindingCache.Entry read, int attempt) {
        String aor = update.aor();
        List<Binding> stored = read.bindings();
        Instant now = clock.instant();
        List<Binding> current = BindingLists.live(stored, now);
        List<Binding> changed = update.change().apply(current);
        if (changed == current) {
            // nothing to write, so no script to check the claim in: checked as the interface's default does
            Optional<Binding> other = update.contactUris().stream()
                    .flatMap(contactUri -> findOthersByContact(contactUri, aor).filter(update.taken()).stream())
                    .findFirst();
            return CompletableFuture.completedFuture(new Claim(other.isPresent() ? List.of() : current, other));
        }
        List<Binding> result = List.copyOf(changed);
        BindingLists.requireConsistent(aor, result);
        byte[] record = result.isEmpty() ? ABSENT : BindingCodec.encode(aor, result);
        long mark = cache.mark(aor);
        cache.expectOwnMessage(aor);
        return compareAndSet(aor, read.record(), stored, record, result, now, update.claimed(), update.harmless(),
                attempt > 1)
                .handle((outcome, failure) -> {
                    if (failure != null) {
                        cache.ownWriteFailed(aor); // if it was written after all, its message drops the AoR: safe
                        throw health.unavailable("persist the bindings of " + aor,
                                failure instanceof RuntimeException e ? e : new RedisException(failure));
                    }
                    if (WRITTEN.equals(outcome.get(0))) {
                        cache.wrote(aor, new SubscribedBindingCache.Entry(record, result), mark);
                        return CompletableFuture.completedFuture(new Claim(result, Optional.empty()));
                    }
                    cache.ownWriteFailed(aor);
                    SubscribedBindingCache.Entry next = read;
                    if (CLAIMED_BY_OTHERS.equals(outcome.get(0))) {
                        List<String> others = outcome.subList(1, outcome.size()).stream()
                                .map(other -> new String((byte[]) other, StandardCharsets.UTF_8)).sorted().toList();
                        Optional<Binding> other = others.stream()
                                .flatMap(o -> takenFrom(o, update.claimed(), now, update.taken()).stream()).findFirst();
                        if (other.isPresent()) {
                            return CompletableFuture.completedFuture(new Claim(List.of(), other));
                        }
                        update.harmless().addAll(others);
                    } else {
                        next = read(aor);
                    }
                    if (attempt == MAX_ATTEMPTS) {
                        throw new UncheckedIOException(new IOException("the bindings of " + aor + " changed under "
                                + MAX_ATTEMPTS + " attempts in a row to update them"));
                    }
                    return attempt(update, next, attempt + 1);
                }).thenCompose(Function.identity());
    }

    /**
     * {@code other}'s live binding at one of the {@code claimed} contacts that {@code taken} accepts, read from Redis
     * rather than this node's cache: it was just found in the index, maybe registered through another node a moment
     * ago, before its change message reached this one.
     */
    private Optional<Binding> takenFrom(String other, List<String> claimed, Instant now, Predicate<Binding> taken) {
        List<Binding> bindings = BindingLists.live(read(other).bindings(), now);
        return claimed.stream().flatMap(contact -> BindingLists.withContact(bindings, contact).stream()).filter(taken)
                .findFirst();
    }

    @Override
    public void removeAll(String aor) {
        update(aor, current -> new ArrayList<>());
    }

    /**
     * Tidies the expiry index (Redis drops the lists themselves by TTL) and this node's cache; returns
     * how many index entries expired. With several nodes sweeping, each counts what it removed.
     */
    @Override
    public int purgeExpired() {
        Instant now = clock.instant();
        cache.dropIf(bindings -> BindingLists.live(bindings, now).isEmpty());
        try {
            return redis.zremrangebyscore(EXPIRIES_KEY, Range.create(Double.NEGATIVE_INFINITY,
                    (double) now.toEpochMilli())).intValue();
        } catch (RedisException e) {
            throw health.unavailable("purge the expiry index", e);
        }
    }

    @Override
    public int count() {
        try {
            return redis.zcount(EXPIRIES_KEY, Range.from(Range.Boundary.excluding((double) clock.millis()),
                    Range.Boundary.unbounded())).intValue();
        } catch (RedisException e) {
            throw health.unavailable("count the bindings", e);
        }
    }

    /** Sends the writes pending, unsubscribes; the {@link ClusterRedis} belongs to the server. */
    @Override
    public void close() {
        writes.close();
        changes.close();
    }

    private SubscribedBindingCache.Entry read(String aor) {
        try {
            byte[] stored = redis.get(BINDINGS_KEY + aor);
            health.reachable();
            byte[] record = stored == null ? ABSENT : stored;
            return new SubscribedBindingCache.Entry(record, decode(aor, record));
        } catch (RedisException e) {
            throw health.unavailable("read the bindings of " + aor, e);
        }
    }

    private static List<Binding> decode(String aor, byte[] record) {
        if (record.length == 0) {
            return List.of();
        }
        BindingCodec.AorBindings decoded = BindingCodec.decode(record);
        if (!decoded.aor().equals(aor)) {
            throw new IllegalStateException("the Redis key of " + aor + " holds the bindings of " + decoded.aor());
        }
        return List.copyOf(decoded.bindings());
    }

    private CompletionStage<List<Object>> compareAndSet(String aor, byte[] read, List<Binding> stored, byte[] record,
            List<Binding> result, Instant now, List<String> claimed, Set<String> harmless, boolean retry) {
        Map<String, Binding> before = byExpiryMember(stored);
        Map<String, Binding> after = byExpiryMember(result);
        Map<String, Long> joined = new LinkedHashMap<>();
        for (Binding binding : result) {
            joined.merge(CONTACT_KEY + ContactUris.normalize(binding.contactUri()), millisUntil(binding.expiresAt(), now),
                    Math::max);
        }
        List<String> left = stored.stream().map(binding -> CONTACT_KEY + ContactUris.normalize(binding.contactUri()))
                .distinct().filter(key -> !joined.containsKey(key)).toList();
        List<String> removed = before.keySet().stream().filter(member -> !after.containsKey(member)).toList();

        List<String> keys = new ArrayList<>(List.of(BINDINGS_KEY + aor, EXPIRIES_KEY));
        keys.addAll(left);
        keys.addAll(joined.keySet());
        claimed.forEach(contact -> keys.add(CONTACT_KEY + contact));
        List<byte[]> args = new ArrayList<>();
        args.add(read);
        args.add(record);
        args.add(text(result.stream().mapToLong(binding -> millisUntil(binding.expiresAt(), now)).max().orElse(1)));
        args.add(text(aor));
        args.add(text(removed.size()));
        args.add(text(after.size()));
        args.add(text(left.size()));
        args.add(text(claimed.size()));
        args.add(text(harmless.size()));
        harmless.forEach(other -> args.add(text(other)));
        removed.forEach(member -> args.add(text(member)));
        after.forEach((member, binding) -> {
            args.add(text(binding.expiresAt().toEpochMilli()));
            args.add(text(member));
        });
        joined.values().forEach(ttl -> args.add(text(ttl)));
        return writes.submit(keys, args, retry);
    }

    private static Map<String, Binding> byExpiryMember(List<Binding> bindings) {
        Map<String, Binding> members = new HashMap<>();
        for (Binding binding : bindings) {
            members.put(binding.aor() + "\n" + binding.key(), binding);
        }
        return members;
    }

    /** A Redis TTL: at least 1 ms, since PX 0 is an error and the binding is then as good as gone. */
    private static long millisUntil(Instant expiresAt, Instant now) {
        return Math.max(1, expiresAt.toEpochMilli() - now.toEpochMilli());
    }

    private static byte[] text(Object value) {
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }
}
