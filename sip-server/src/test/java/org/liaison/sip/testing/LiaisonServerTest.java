package org.liaison.sip.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.liaison.sip.testing.LiaisonServer.Agent;

/**
 * What the fixture promises, seen from outside a test: the test's server and agents are running
 * during it and closed after it, its directory is gone, and a resource that does not close fails the
 * test within the bound instead of hanging the build.
 */
@Timeout(60)
class LiaisonServerTest {
    @Test
    void theServerAndTheAgentsOfATestAreClosedAfterIt() throws Exception {
        TestExecutionSummary summary = run(RegistersAlice.class);

        assertEquals(1, summary.getTestsSucceededCount(), () -> failures(summary));
        assertNull(RegistersAlice.server.server(), "the server still runs after the test");
        assertThrows(IOException.class, () -> RegistersAlice.agent.send("OPTIONS"), "the agent's socket is open");
        assertTrue(Files.notExists(RegistersAlice.directory), "the test's directory is left behind");
    }

    @Test
    void aResourceThatDoesNotCloseFailsTheTestWithinTheBound() {
        long started = System.nanoTime();
        TestExecutionSummary summary = run(OwnsAStuckResource.class);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        OwnsAStuckResource.release.countDown();

        assertEquals(1, summary.getTestsFailedCount(), "the stuck close did not fail the test");
        assertTrue(failures(summary).contains("did not close within PT0.5S"), () -> failures(summary));
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the fixture waited " + took);
    }

    private static TestExecutionSummary run(Class<?> sample) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(sample))
                .build(), listener);
        return listener.getSummary();
    }

    private static String failures(TestExecutionSummary summary) {
        return summary.getFailures().stream().map(f -> f.getException().toString()).toList().toString();
    }

    /** A test on the fixture, keeping what it saw for the test above to look at afterwards. */
    static class RegistersAlice {
        static TestServer server;
        static TestUa agent;
        static Path directory;

        @RegisterExtension
        final LiaisonServer liaison = LiaisonServer.started(TestServer.builder().user("alice", "alice-secret", "1001"));
        @Agent TestUa alice;

        @Test
        void registers() throws Exception {
            server = liaison.server();
            agent = alice;
            directory = liaison.directory();
            assertEquals(200, alice.register("alice-secret", "").status());
        }
    }

    /** A test owning something whose close never returns (until released). */
    static class OwnsAStuckResource {
        static final CountDownLatch release = new CountDownLatch(1);

        @RegisterExtension
        final LiaisonServer liaison = LiaisonServer.notStarted().closingWithin(Duration.ofMillis(500));

        @Test
        void ownsIt() {
            liaison.own(release::await);
        }
    }
}
