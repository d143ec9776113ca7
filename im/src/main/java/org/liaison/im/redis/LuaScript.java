package org.liaison.im.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One of the store's Lua scripts ({@code <name>.lua} beside this class, after {@code common.lua}).
 * Redis runs a script atomically, which is what makes each store operation safe when several
 * nodes act on the same recipient at once. It is sent by its SHA-1 (EVALSHA) and in full only
 * when Redis does not know it yet (after a restart, or on first use), so no node has to load
 * scripts ahead of the others.
 */
final class LuaScript {

    private static final String[] NO_KEYS = new String[0];

    private final byte[] source;
    private final String sha1;

    private LuaScript(byte[] source) {
        this.source = source;
        this.sha1 = sha1Of(source);
    }

    static LuaScript named(String name) {
        return new LuaScript((read("common.lua") + read(name + ".lua")).getBytes(StandardCharsets.UTF_8));
    }

    <T> T run(RedisCommands<String, byte[]> redis, ScriptOutputType type, byte[]... args) {
        try {
            return redis.evalsha(sha1, type, NO_KEYS, args);
        } catch (RedisNoScriptException unknownYet) {
            return redis.eval(source, type, NO_KEYS, args);
        }
    }

    /** Script arguments: each value as its UTF-8 text. */
    static List<byte[]> args(Object... values) {
        List<byte[]> args = new ArrayList<>();
        for (Object value : values) {
            args.add(String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        }
        return args;
    }

    private static String read(String resource) {
        try (InputStream in = LuaScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + resource + " beside " + LuaScript.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read script " + resource, e);
        }
    }

    private static String sha1Of(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
