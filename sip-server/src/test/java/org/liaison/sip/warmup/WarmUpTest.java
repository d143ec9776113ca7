package org.liaison.sip.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.liaison.sip.SipServer;
import org.slf4j.LoggerFactory;

/** The JIT warm-up of {@code bin/liaison serve}: real server, real UDP, nothing left behind, its log held back. */
@Timeout(60)
class WarmUpTest {
    /** Other test JVMs may warm up meanwhile (ServeCommandTest's server processes): only this JVM's count. */
    private static final String OURS = WarmUp.DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Logger root;

    @BeforeEach
    void listen() {
        root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
        log.start();
        root.addAppender(log);
    }

    @AfterEach
    void stopListening() {
        root.detachAppender(log);
    }

    @Test
    void phonesRegisterMessageAndKeepAliveOnAThrowawayServerThatLeavesNothingAndLogsOneLine() throws Exception {
        Set<Path> before = warmUpDirectories();

        int done = WarmUp.run(Duration.ofSeconds(3), SipServer::start);

        assertTrue(done >= 3 * 4 * 10, "fewer than ten rounds per phone in 3 s: " + done);
        assertEquals(before, warmUpDirectories(), "the throwaway server's state was left behind");
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(lines.stream().noneMatch(line -> line.contains(WarmUp.DOMAIN) || line.contains(OURS)),
                "the throwaway server's own lines would read as the real server's: " + lines);
        assertEquals(List.of("warm-up: " + done + " exchanges"), fromWarmUp().stream()
                .map(line -> line.substring(0, line.indexOf(" with "))).toList());
    }

    @Test
    void aWarmUpThatCannotRunSaysSoAndTheServerStartsCold() {
        int done = WarmUp.run(Duration.ofSeconds(3), config -> {
            throw new IOException("no room for a throwaway server");
        });

        assertEquals(0, done);
        assertEquals(List.of("warm-up skipped, the server starts cold: java.io.IOException: no room for a throwaway"
                + " server"), fromWarmUp());
    }

    /** What the warm-up itself logged (other threads of this test JVM may log meanwhile). */
    private List<String> fromWarmUp() {
        return log.list.stream().filter(e -> e.getLoggerName().equals(WarmUp.class.getName()))
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static Set<Path> warmUpDirectories() throws IOException {
        Set<Path> all = new java.util.HashSet<>();
        for (Path parent : List.of(Path.of("/dev/shm"), Path.of(System.getProperty("java.io.tmpdir")))) {
            if (Files.isDirectory(parent)) {
                try (Stream<Path> children = Files.list(parent)) {
                    all.addAll(children.filter(p -> p.getFileName().toString().startsWith(OURS))
                            .collect(Collectors.toSet()));
                }
            }
        }
        return all;
    }
}
