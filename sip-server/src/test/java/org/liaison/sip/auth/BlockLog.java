package org.liaison.sip.auth;

import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** Captures what {@link AuthFailureLimiter} logs, the way an operator's fail2ban would read it. */
final class BlockLog implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(AuthFailureLimiter.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    BlockLog() {
        appender.start();
        logger.addAppender(appender);
    }

    /** The formatted WARN lines logged so far. */
    List<String> warnings() {
        return appender.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
