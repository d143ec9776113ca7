package org.liaison.sip.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** What the server logs while it is open (every logger), for a test that asserts how an event was logged. */
public final class CapturedLog implements AutoCloseable {
    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            events.add(event);
        }
    };

    private CapturedLog() {
        appender.start();
        root.addAppender(appender);
    }

    public static CapturedLog start() {
        return new CapturedLog();
    }

    /** Whether a line at {@code level} containing {@code text} was logged. */
    public boolean has(Level level, String text) {
        return events.stream().anyMatch(e -> e.getLevel() == level && e.getFormattedMessage().contains(text));
    }

    /** The lines at WARN and above, each as "logger: message". */
    public List<String> warnings() {
        return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
