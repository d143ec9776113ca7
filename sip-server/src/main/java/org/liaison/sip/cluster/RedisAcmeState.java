package org.liaison.sip.cluster;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.liaison.sip.tls.acme.SharedAcmeState;

/**
 * ACME's shared state in the cluster's Redis (issue 15 item 2), under {@code liaison:acme:}: {@code account-key} and
 * {@code certificate} (PEM text, no TTL: as {@link RedisTlsIdentity}, so Redis holds private keys; protect it),
 * {@code version} (INCR at each certificate, which the nodes poll), {@code lease} (the ordering node's name, SET NX
 * PX: a node that dies holding it blocks the others for at most its term) and {@code challenge:TOKEN} (an HTTP-01 key
 * authorization under validation, with a TTL). Each write that depends on the lease is one script, so a node whose
 * lease ran out never overwrites the certificate of the node that took it over.
 */
public final class RedisAcmeState implements SharedAcmeState {
    private static final String PREFIX = "liaison:acme:";
    private static final String ACCOUNT_KEY = PREFIX + "account-key";
    private static final String CERTIFICATE = PREFIX + "certificate";
    private static final String VERSION = PREFIX + "version";
    private static final String LEASE = PREFIX + "lease";
    private static final String CHALLENGE = PREFIX + "challenge:";
    /** KEYS[1] the lease; ARGV[1] the holder, ARGV[2] the term (ms). 1 when the holder holds it after, else 0. */
    private static final String TAKE_LEASE = """
            local held = redis.call('GET', KEYS[1])
            if held == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            if held then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """;
    /** KEYS[1] the lease; ARGV[1] the holder: compare and delete. */
    private static final String RELEASE_LEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
            end
            return 0
            """;
    /** KEYS lease, certificate, version; ARGV holder, PEM text. The new version, or 0 if the lease is another's. */
    private static final String PUBLISH = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return 0
            end
            redis.call('SET', KEYS[2], ARGV[2])
            return redis.call('INCR', KEYS[3])
            """;

    private final ClusterRedis redis;

    public RedisAcmeState(ClusterRedis redis) {
        this.redis = redis;
    }

    @Override
    public Optional<String> accountKey() throws RedisUnreachable {
        try {
            return Optional.ofNullable(redis.commands().get(ACCOUNT_KEY)).map(RedisAcmeState::text);
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public String keepAccountKey(String pemText) throws RedisUnreachable {
        try {
            // NX: the first node's wins (the CA knows the account by it); a node that lost the race uses the winner's
            redis.commands().set(ACCOUNT_KEY, bytes(pemText), SetArgs.Builder.nx());
            return text(redis.commands().get(ACCOUNT_KEY));
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public long certificateVersion() throws RedisUnreachable {
        try {
            byte[] version = redis.commands().get(VERSION);
            return version == null ? 0 : Long.parseLong(text(version));
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public Optional<String> certificate() throws RedisUnreachable {
        try {
            return Optional.ofNullable(redis.commands().get(CERTIFICATE)).map(RedisAcmeState::text);
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public long publishCertificate(String holder, String pemText) throws RedisUnreachable {
        try {
            Long version = redis.runScript(PUBLISH, ScriptOutputType.INTEGER,
                    new String[] {LEASE, CERTIFICATE, VERSION}, bytes(holder), bytes(pemText));
            return version;
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public boolean takeLease(String holder, Duration term) throws RedisUnreachable {
        try {
            Long held = redis.runScript(TAKE_LEASE, ScriptOutputType.INTEGER, new String[] {LEASE}, bytes(holder),
                    bytes(Long.toString(term.toMillis())));
            return held == 1;
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public void releaseLease(String holder) throws RedisUnreachable {
        try {
            redis.runScript(RELEASE_LEASE, ScriptOutputType.INTEGER, new String[] {LEASE}, bytes(holder));
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public void publishChallenge(String token, String keyAuthorization, Duration term) throws RedisUnreachable {
        try {
            redis.commands().set(CHALLENGE + token, bytes(keyAuthorization), SetArgs.Builder.px(term.toMillis()));
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public void withdrawChallenge(String token) throws RedisUnreachable {
        try {
            redis.commands().del(CHALLENGE + token);
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    @Override
    public Optional<String> challenge(String token) throws RedisUnreachable {
        try {
            return Optional.ofNullable(redis.commands().get(CHALLENGE + token)).map(RedisAcmeState::text);
        } catch (RedisException e) {
            throw new RedisUnreachable(redis.where(), e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
