package org.liaison.sip.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One event, one line of JSON that a strict parser reads back to the same fields, whatever the message holds. */
class JsonLineEncoderTest {
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("org.liaison.sip.auth.AuthFailureLimiter");

    @Test
    void quotesLineBreaksControlsAndAnExceptionStayInsideOneLine() throws Exception {
        String message = "user=\"a\\b\"\r\nforged line\u0001 grüße ✓";
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "{}",
                new IllegalStateException("broken\nacross lines"), new Object[] {message});
        event.setThreadName("sip \"worker\" 1");
        event.setTimeStamp(1_796_522_400_123L);

        String line = new String(LogFormat.jsonLines(context).encode(event), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("}\n"), line);
        assertFalse(line.substring(0, line.length() - 1).contains("\n"), "an event took more than one line: " + line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("2026-12-06T02:00:00.123Z", json.get("time").asText());
        assertEquals("WARN", json.get("level").asText());
        assertEquals("org.liaison.sip.auth.AuthFailureLimiter", json.get("logger").asText());
        assertEquals("sip \"worker\" 1", json.get("thread").asText());
        assertEquals(message, json.get("message").asText());
        assertTrue(json.get("exception").asText().startsWith("java.lang.IllegalStateException: broken\nacross lines"),
                json.get("exception").asText());
    }

    @Test
    void anEventWithoutExceptionHasNoExceptionField() throws Exception {
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "serving", null, null);
        JsonNode json = new ObjectMapper().readTree(LogFormat.jsonLines(context).encode(event));
        assertFalse(json.has("exception"), json.toString());
        assertEquals("serving", json.get("message").asText());
    }
}
