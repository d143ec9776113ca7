package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.TestServer;

/**
 * Issue 11: twenty phones behind one address (an office's NAT), one of them with a wrong password retrying for the
 * whole test ({@link OfficeWorkday}). With the shipped limits the nineteen others register, chat and call all along:
 * the wrong password blocks its own (address, username) pair only, and never the address.
 */
@Timeout(120)
class OfficeBehindOneAddressTest {
    private static final Duration WORKDAY = Duration.ofSeconds(20);

    @TempDir
    Path root;

    @Test
    void oneMisconfiguredPhoneDoesNotStopItsColleagues() throws Exception {
        try (TestServer server = OfficeWorkday.accounts(TestServer.builder()).start(root)) {
            Map<Integer, Integer> misconfiguredAnswers = OfficeWorkday.run(List.of(server), WORKDAY);

            assertEquals(10, misconfiguredAnswers.get(401), "10 wrong passwords checked: " + misconfiguredAnswers);
            assertTrue(misconfiguredAnswers.getOrDefault(403, 0) > 10, "then refused: " + misconfiguredAnswers);
        }
    }
}
