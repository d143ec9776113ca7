package org.liaison.im.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real redis-server for a test class, in a directory of its own, emptied before each test:
 * {@code @RegisterExtension static final RedisPerClass redis = RedisPerClass.durable();}
 */
public class RedisPerClass implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private final List<String> persistence;
    private Path dir;
    private RedisServer redis;

    /** {@code persistence}: redis-server's options, as {@link RedisServer#start} takes them. */
    protected RedisPerClass(List<String> persistence) {
        this.persistence = persistence;
    }

    /** One that puts every write on disk before answering, as the message store requires. */
    public static RedisPerClass durable() {
        return new RedisPerClass(List.of("--appendonly", "yes", "--appendfsync", "always"));
    }

    /** One that keeps everything in memory, for tests that never restart it. */
    public static RedisPerClass inMemory() {
        return new RedisPerClass(List.of("--appendonly", "no"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("liaison-redis");
        redis = RedisServer.start(dir, persistence);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        assertEquals("+OK", redis.command("FLUSHALL"));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (redis != null) {
            redis.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The running server, to stop, pause or query. */
    public RedisServer server() {
        return redis;
    }

    public String uri() {
        return redis.uri();
    }

    /** One command, its one-line answer (simple string, error or integer). */
    public String command(String... words) throws IOException {
        return redis.command(words);
    }
}
