package org.liaison.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.liaison.provisioning.DigestAlgorithm;

class AuthSettingsTest {
    private static final List<DigestAlgorithm> BOTH = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
    private static final Duration MINUTE = Duration.ofSeconds(60);

    private static String rejection(Runnable construction) {
        return assertThrows(IllegalArgumentException.class, construction::run).getMessage();
    }

    @Test
    void keepsAlgorithmsInConfiguredOrderAndUnmodifiable() {
        List<DigestAlgorithm> configured = new ArrayList<>(BOTH);
        AuthSettings settings = new AuthSettings("example.org", configured, MINUTE, 10, 20, MINUTE, MINUTE, 10, 10);
        configured.clear();
        assertEquals(BOTH, settings.algorithms());
        assertThrows(UnsupportedOperationException.class, () -> settings.algorithms().clear());
    }

    @Test
    void rejectsNoAlgorithmNamingTheKey() {
        assertTrue(rejection(() -> new AuthSettings("example.org", List.of(), MINUTE, 10, 20, MINUTE, MINUTE, 10, 10))
                .contains("auth.algorithms"));
    }

    @Test
    void rejectsARepeatedAlgorithm() {
        List<DigestAlgorithm> twice = List.of(DigestAlgorithm.MD5, DigestAlgorithm.MD5);
        assertTrue(rejection(() -> new AuthSettings("example.org", twice, MINUTE, 10, 20, MINUTE, MINUTE, 10, 10))
                .contains("auth.algorithms"));
    }

    @Test
    void rejectsARealmThatCannotBeQuotedVerbatim() {
        assertTrue(rejection(() -> new AuthSettings("a\"b", BOTH, MINUTE, 10, 20, MINUTE, MINUTE, 10, 10))
                .contains("realm"));
        assertTrue(rejection(() -> new AuthSettings(" ", BOTH, MINUTE, 10, 20, MINUTE, MINUTE, 10, 10))
                .contains("realm"));
    }

    @Test
    void rejectsNonPositiveValuesNamingTheirKeys() {
        assertTrue(rejection(() -> new AuthSettings("r", BOTH, Duration.ZERO, 10, 20, MINUTE, MINUTE, 10, 10))
                .contains("auth.nonce-lifetime-seconds"));
        assertTrue(rejection(() -> limits(0, 20, MINUTE, MINUTE, 10, 10)).contains("auth.max-failures-per-source"));
        assertTrue(rejection(() -> limits(10, -1, MINUTE, MINUTE, 10, 10)).contains("auth.max-failures-per-user"));
        assertTrue(rejection(() -> limits(10, 20, Duration.ofSeconds(-1), MINUTE, 10, 10))
                .contains("auth.failure-window-seconds"));
        assertTrue(rejection(() -> limits(10, 20, MINUTE, Duration.ZERO, 10, 10)).contains("auth.block-seconds"));
        assertTrue(rejection(() -> limits(10, 20, MINUTE, MINUTE, 0, 10))
                .contains("auth.max-failures-per-source-user"));
        assertTrue(rejection(() -> limits(10, 20, MINUTE, MINUTE, 10, 0)).contains("auth.max-usernames-per-source"));
    }

    private static AuthSettings limits(int perSource, int perUser, Duration window, Duration block, int perPair,
            int usernames) {
        return new AuthSettings("r", BOTH, MINUTE, perSource, perUser, window, block, perPair, usernames);
    }
}
