package org.liaison.sip.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.liaison.sip.config.AdminSettings;
import org.liaison.sip.testing.FreePorts;

/** The admin listener on its own, as it is while the rest of the server starts, and its readiness checks. */
class AdminServiceTest {

    @Test
    void beforeTheServerServesReadyIs503AndLiveAndJvmMetricsAnswer() throws Exception {
        try (AdminService admin = AdminService.start(new AdminSettings(InetAddress.getLoopbackAddress(),
                FreePorts.udpAndTcp()), Clock.systemUTC())) {
            HttpResponse<String> ready = AdminHttp.get(admin.port(), "/health/ready");
            assertEquals(503, ready.statusCode());
            assertEquals("not ready: server starting\n", ready.body());
            assertEquals(200, AdminHttp.get(admin.port(), "/health/live").statusCode());
            HttpResponse<String> metrics = AdminHttp.get(admin.port(), "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), metrics.body());
            assertTrue(metrics.body().contains("jvm_threads_current"), metrics.body());
            PrometheusParser.check(metrics.body());
        }
    }

    @Test
    void aTakenPortIsRefusedNamingTheKey() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IOException refused = assertThrows(IOException.class, () -> AdminService.start(
                    new AdminSettings(InetAddress.getLoopbackAddress(), taken.getLocalPort()), Clock.systemUTC()));
            assertTrue(refused.getMessage().contains("admin.port " + taken.getLocalPort()), refused.getMessage());
        }
    }

    @Test
    void aFailingOrThrowingCheckIsNamedAndTheOthersStillRun() {
        Readiness readiness = new Readiness();
        readiness.checkFrom(List.of(new Readiness.Check("sip listeners", () -> true),
                new Readiness.Check("message store", () -> {
                    throw new UncheckedIOException(new IOException("disk gone"));
                }),
                new Readiness.Check("redis", () -> false)));
        assertEquals(List.of("message store", "redis"), readiness.failing());
    }

    @Test
    void nonGetRequestsAndBodiesAreRefused() throws Exception {
        try (AdminService admin = AdminService.start(new AdminSettings(InetAddress.getLoopbackAddress(),
                FreePorts.udpAndTcp()), Clock.systemUTC())) {
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> post = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin.port() + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(post.statusCode() == 405 || post.statusCode() == 413, post.statusCode() + " " + post.body());
        }
    }
}
