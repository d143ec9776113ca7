package org.liaison.sip.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class SharedStateHealthTest {
    private final SharedStateHealth health = new SharedStateHealth("redis://10.0.0.5:6379");
    private final Logger logger = (Logger) LoggerFactory.getLogger(SharedStateHealth.class);
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    @Test
    void anOutageIsOneWarningHoweverManyRequestsFailAndItsEndOneInfo() {
        for (int i = 0; i < 100; i++) {
            health.unavailable("read the bindings of bob", new RedisConnectionException("Connection closed"));
        }
        health.onRedisDisconnected(null);
        assertTrue(health.isUnreachable());
        health.reachable();
        health.reachable();
        health.onRedisConnected(null, null);

        assertEquals(List.of(Level.WARN, Level.INFO), atInfoOrAbove().stream().map(ILoggingEvent::getLevel).toList());
        assertTrue(atInfoOrAbove().get(0).getFormattedMessage().contains("redis://10.0.0.5:6379 is unreachable"));
        assertFalse(health.isUnreachable());
    }

    @Test
    void aSecondOutageIsWarnedAgain() {
        health.onRedisDisconnected(null);
        health.onRedisConnected(null, null);
        health.unavailable("count the bindings", new RedisCommandTimeoutException("Command timed out after 2 second(s)"));

        assertEquals(List.of(Level.WARN, Level.INFO, Level.WARN),
                atInfoOrAbove().stream().map(ILoggingEvent::getLevel).toList());
    }

    @Test
    void whatTheStoresThrowIsAnIoFailureNamingRedisAndWhatFailedNotLettucesType() {
        SharedStateUnavailable thrown = health.unavailable("persist the bindings of bob",
                new RedisCommandTimeoutException("Command timed out after 2 second(s)"));

        assertInstanceOf(UncheckedIOException.class, thrown);
        assertEquals("cannot persist the bindings of bob in Redis at redis://10.0.0.5:6379: Command timed out after"
                + " 2 second(s)", thrown.getMessage());
    }

    private List<ILoggingEvent> atInfoOrAbove() {
        return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO)).toList();
    }
}
