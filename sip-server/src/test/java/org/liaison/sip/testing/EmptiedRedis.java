package org.liaison.sip.testing;

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
import org.liaison.im.redis.RedisServer;

/**
 * One real redis-server for a test class (not persisting: these tests need no durability), emptied before each
 * test: {@code @RegisterExtension static final EmptiedRedis REDIS = new EmptiedRedis();}.
 */
public final class EmptiedRedis implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private Path dir;
    private RedisServer redis;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("liaison-redis");
        redis = RedisServer.start(dir, List.of("--appendonly", "no"));
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

    public String uri() {
        return redis.uri();
    }

    /** One command, its one-line answer (simple string, error or integer). */
    public String command(String... words) throws IOException {
        return redis.command(words);
    }
}
