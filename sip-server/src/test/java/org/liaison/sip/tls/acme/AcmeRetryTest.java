package org.liaison.sip.tls.acme;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.MutableClock;
import org.liaison.sip.config.AcmeSettings;
import org.liaison.sip.config.TlsSettings;
import org.liaison.sip.testing.CapturedLog;
import org.liaison.sip.tls.TlsCredentials;
import org.liaison.sip.wire.Pebble;

/**
 * The ACME CA down when the server starts: the private CA serves, the cause is logged in one line, the order is
 * retried with a growing backoff, and the first success swaps the certificate in without a restart.
 */
class AcmeRetryTest {
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);

    @TempDir
    Path root;

    @Test
    void theCaDownAtStartLeavesThePrivateCaServingUntilARetrySucceeds() throws Exception {
        try (Pebble pebble = Pebble.prepare(root.resolve("pebble"), 3600, List.of());
                CapturedLog log = CapturedLog.start()) {
            AcmeSettings settings = new AcmeSettings(Optional.of(pebble.directory()), "", List.of("liaison.test"),
                    Optional.of(pebble.serverCa()), pebble.httpPort());
            Path dataDir = root.resolve("data");
            List<InetAddress> loopback = List.of(InetAddress.getByName("127.0.0.1"));
            TlsCredentials tls = TlsCredentials.open(new TlsSettings(Optional.empty(), Optional.empty(), false),
                    "liaison.test", loopback, dataDir, Clock.systemUTC());
            try (Http01Listener challenges = Http01Listener.open(loopback, pebble.httpPort(),
                    URI.create("https://liaison.test"));
                    AcmeCertificates acme = new AcmeCertificates(settings, tls, dataDir, challenges,
                            Clock.systemUTC(), FIRST_RETRY)) {
                acme.begin();
                await().atMost(Duration.ofSeconds(10)).until(() -> log.has(Level.WARN,
                        "is unreachable: cannot connect") && log.has(Level.WARN, "next attempt in 1s"));
                assertTrue(tls.certificate().getIssuerX500Principal().getName().contains("Liaison private CA"),
                        "the private CA serves meanwhile");
                assertTrue(acme.failedOrders() >= 1, "the failure shows in the admin listener's metrics");

                pebble.start();
                await().atMost(Duration.ofSeconds(40)).until(() -> tls.certificate().getIssuerX500Principal()
                        .getName().contains("Pebble Intermediate CA"));
                assertEquals(List.of(), log.warnings().stream().filter(w -> !w.contains("is unreachable")).toList());
            }
        }
    }

    @Test
    void aFailingRenewalWarnsOnceADayFromFourteenDaysBeforeTheServedCertificateEnds() throws Exception {
        MutableClock clock = new MutableClock(Instant.now());
        AcmeSettings settings = new AcmeSettings(Optional.of(URI.create("https://127.0.0.1:9/dir")), "",
                List.of("liaison.test"), Optional.empty(), 1);
        List<InetAddress> loopback = List.of(InetAddress.getByName("127.0.0.1"));
        TlsCredentials tls = TlsCredentials.open(new TlsSettings(Optional.empty(), Optional.empty(), false),
                "liaison.test", loopback, root.resolve("data"), clock);
        Instant end = tls.certificate().getNotAfter().toInstant();
        try (CapturedLog log = CapturedLog.start();
                Http01Listener challenges = Http01Listener.open(List.of(), 1, URI.create("https://liaison.test"));
                AcmeCertificates acme = new AcmeCertificates(settings, tls, root.resolve("data"), challenges, clock,
                        Duration.ofHours(1))) {
            acme.begin();
            await().atMost(Duration.ofSeconds(10)).until(() -> log.has(Level.WARN, "acme: no certificate for"));

            clock.set(end.minus(Duration.ofDays(15)));
            acme.warnIfExpiring();
            assertFalse(log.has(Level.WARN, "and renewing it fails"), "not yet: 15 days left");
            clock.set(end.minus(Duration.ofDays(14)).plusSeconds(1));
            acme.warnIfExpiring();
            assertTrue(log.has(Level.WARN, "(13 days left) and renewing it fails: the ACME directory"),
                    () -> log.warnings().toString());
        }
    }

    @Test
    void theClustersRedisAwayLeavesTheCertificateServingAndRetriesWithTheBackoffInOneLineEach() throws Exception {
        SharedAcmeState away = (SharedAcmeState) Proxy.newProxyInstance(SharedAcmeState.class.getClassLoader(),
                new Class<?>[] {SharedAcmeState.class}, (proxy, method, args) -> {
                    throw new IOException("cluster.redis-uri redis://127.0.0.1:9: cannot reach Redis: refused");
                });
        AcmeSettings settings = new AcmeSettings(Optional.of(URI.create("https://127.0.0.1:9/dir")), "",
                List.of("liaison.test"), Optional.empty(), 1);
        List<InetAddress> loopback = List.of(InetAddress.getByName("127.0.0.1"));
        TlsCredentials tls = TlsCredentials.open(new TlsSettings(Optional.empty(), Optional.empty(), false),
                "liaison.test", loopback, root.resolve("data"), Clock.systemUTC());
        X509Certificate serving = tls.certificate();
        try (CapturedLog log = CapturedLog.start();
                Http01Listener challenges = Http01Listener.open(List.of(), 1, URI.create("https://liaison.test"));
                AcmeCertificates acme = new AcmeCertificates(settings, tls, root.resolve("data"), challenges,
                        Clock.systemUTC(), FIRST_RETRY, Optional.of(away), "sip:127.0.0.1", Optional.empty())) {
            acme.begin();
            String line = "acme: no certificate for [liaison.test]: cluster.redis-uri redis://127.0.0.1:9: cannot"
                    + " reach Redis: refused; the certificate of ";
            await().atMost(Duration.ofSeconds(10)).until(() -> log.has(Level.WARN, line)
                    && log.has(Level.WARN, "next attempt in 2s"));
            assertEquals(serving, tls.certificate(), "what it had keeps serving");
            assertTrue(log.warnings().stream().filter(w -> w.contains("acme: no certificate")).allMatch(
                    w -> w.contains(line)), () -> log.warnings().toString());
        }
    }
}
