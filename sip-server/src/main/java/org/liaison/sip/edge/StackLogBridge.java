package org.liaison.sip.edge;

import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's internal log, sent to SLF4J. The stack's default logger needs log4j 1.x (end of life,
 * known vulnerabilities), so the stack is given this one by class name.
 */
public final class StackLogBridge implements StackLogger {
    private static final Logger LOG = LoggerFactory.getLogger("jain-sip");
    /** The stack puts whole datagrams (64 KB as a number list) into some messages; a line is cut here. */
    private static final int MAX_LINE = 500;

    @Override
    public void logStackTrace() {
        // stack traces of the caller are noise; exceptions are logged with their own traces
    }

    @Override
    public void logStackTrace(int traceLevel) {
        // as above
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        LOG.warn("JAIN-SIP exception", ex);
    }

    @Override
    public void logDebug(String message) {
        LOG.debug(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        LOG.debug(message, ex);
    }

    @Override
    public void logTrace(String message) {
        LOG.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        LOG.error(cut(message));
    }

    @Override
    public void logError(String message) {
        LOG.error(cut(message));
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isInfoEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int level) {
        return switch (level) {
            case TRACE_NONE -> false;
            case TRACE_FATAL, TRACE_ERROR -> LOG.isErrorEnabled();
            case TRACE_WARN -> LOG.isWarnEnabled();
            case TRACE_INFO -> LOG.isInfoEnabled();
            case TRACE_DEBUG -> LOG.isDebugEnabled();
            default -> LOG.isTraceEnabled();
        };
    }

    @Override
    public void logError(String message, Exception ex) {
        LOG.error(cut(message), ex);
    }

    @Override
    public void logWarning(String message) {
        LOG.warn(cut(message));
    }

    @Override
    public void logInfo(String message) {
        LOG.info(cut(message));
    }

    @Override
    public void disableLogging() {
        // the level is SLF4J's to decide
    }

    @Override
    public void enableLogging() {
        // the level is SLF4J's to decide
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        // not logged
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // nothing to configure
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }

    private static String cut(String message) {
        return message == null || message.length() <= MAX_LINE ? message
                : message.substring(0, MAX_LINE) + "... (" + message.length() + " characters)";
    }
}
