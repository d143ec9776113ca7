package org.liaison.sip;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.liaison.sip.cluster.ClusterRedis;
import org.liaison.sip.config.ClusterSettings;
import org.liaison.sip.registrar.EmbeddedLocationService;
import org.liaison.sip.registrar.LocationService;
import org.liaison.sip.registrar.RedisLocationService;

/**
 * Where this process keeps the state a cluster shares (issue 10): in data.dir when it serves the
 * domain alone, in Redis when {@code cluster.redis-uri} is set. So far: registrations.
 *
 * @param redis         the shared Redis, {@code null} on one machine; closed after the stores
 * @param locations     the location service
 * @param locationStore what closes it (the journal, or the Redis subscription)
 */
record StateStores(ClusterRedis redis, LocationService locations, AutoCloseable locationStore) {

    /** Connects to Redis (failing with one line naming cluster.redis-uri) or opens the files. */
    static StateStores open(ClusterSettings cluster, Path dataDir, Clock clock) throws IOException {
        if (!cluster.clustered()) {
            EmbeddedLocationService locations = EmbeddedLocationService.open(dataDir, clock);
            return new StateStores(null, locations, locations);
        }
        ClusterRedis redis = ClusterRedis.connect(cluster.redisUri().orElseThrow());
        try {
            RedisLocationService locations = RedisLocationService.open(redis, clock);
            return new StateStores(redis, locations, locations);
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }
}
