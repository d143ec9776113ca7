package org.liaison.im;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class OfflineStoreSettingsTest {

    @Test
    void defaultsAreSevenDaysAThousandMessagesAnd64KiB() {
        OfflineStoreSettings defaults = OfflineStoreSettings.defaults();

        assertEquals(Duration.ofDays(7), defaults.expiry());
        assertEquals(1000, defaults.maxMessagesPerUser());
        assertEquals(65536, defaults.maxMessageBytes());
    }

    @Test
    void zeroOrNegativeLimitsAreRefusedNamingTheSetting() {
        assertMessageNames("expiry", () -> new OfflineStoreSettings(Duration.ZERO, 1, 1));
        assertMessageNames("expiry", () -> new OfflineStoreSettings(Duration.ofSeconds(-1), 1, 1));
        assertMessageNames("maxMessagesPerUser", () -> new OfflineStoreSettings(Duration.ofDays(1), 0, 1));
        assertMessageNames("maxMessageBytes", () -> new OfflineStoreSettings(Duration.ofDays(1), 1, 0));
    }

    private static void assertMessageNames(String setting, org.junit.jupiter.api.function.Executable construction) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, construction);
        assertTrue(refused.getMessage().startsWith(setting), refused.getMessage());
    }
}
