package org.liaison.sip.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Iterator;
import org.liaison.sip.config.LogSettings;
import org.slf4j.LoggerFactory;

/**
 * Puts {@code log.format} into effect. Logback reads logback.xml before the configuration file is read, so the text
 * format is what the first lines use; {@code json} then swaps the encoder of the root logger's output appenders
 * (logback.xml's {@code OUT}), so the class name of an encoder never appears in a configuration file.
 */
public final class LogFormat {
    private LogFormat() {
    }

    public static void apply(LogSettings settings) {
        if (settings.format() == LogSettings.Format.TEXT
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext();) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
                out.setEncoder(jsonLines(context));
            }
        }
    }

    /** A started JSON-lines encoder; for tests that write a log in this format themselves. */
    public static Encoder<ILoggingEvent> jsonLines(LoggerContext context) {
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }
}
