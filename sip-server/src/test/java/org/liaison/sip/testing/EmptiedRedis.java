package org.liaison.sip.testing;

import java.util.List;
import org.liaison.im.redis.RedisPerClass;

/**
 * One real redis-server for a test class (not persisting: these tests need no durability), emptied before each
 * test: {@code @RegisterExtension static final EmptiedRedis REDIS = new EmptiedRedis();}.
 */
public final class EmptiedRedis extends RedisPerClass {

    public EmptiedRedis() {
        super(List.of("--appendonly", "no"));
    }
}
