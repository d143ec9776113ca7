package org.liaison.sip.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * The log limited to errors for a while: the JIT warm-up runs a throwaway server whose start and stop lines ("serving
 * sip domain ...") would read as the real server's, to admins and to the tools that wait for that line.
 */
public final class QuietLog {
    private QuietLog() {
    }

    /** Runs {@code work} with every event below ERROR dropped, whichever logger and thread it comes from. */
    public static <T> T during(Supplier<T> work) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return work.get();
        }
        TurboFilter onlyErrors = new TurboFilter() {
            @Override
            public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                    Throwable t) {
                return level.isGreaterOrEqual(Level.ERROR) ? FilterReply.NEUTRAL : FilterReply.DENY;
            }
        };
        onlyErrors.start();
        context.addTurboFilter(onlyErrors);
        try {
            return work.get();
        } finally {
            context.getTurboFilterList().remove(onlyErrors);
        }
    }
}
