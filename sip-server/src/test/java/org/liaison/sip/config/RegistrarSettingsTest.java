package org.liaison.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RegistrarSettingsTest {

    @Test
    void theDefaultsAreAnHourAMinuteADayAndTenDevices() {
        assertEquals(new RegistrarSettings("example.org", 3600, 60, 86400, 10), RegistrarSettings.defaults("example.org"));
    }

    @Test
    void theDomainIsKeptInLowerCase() {
        assertEquals("example.org", RegistrarSettings.defaults(" Example.ORG ").domain());
    }

    @Test
    void aMaximumBelowTheMinimumIsRefusedNamingBoth() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RegistrarSettings("example.org", 3600, 600, 300, 10));
        assertTrue(e.getMessage().contains("maxExpiresSeconds") && e.getMessage().contains("minExpiresSeconds"));
    }

    @Test
    void aDefaultOutsideTheBoundsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RegistrarSettings("example.org", 30, 60, 86400, 10));
        assertThrows(IllegalArgumentException.class, () -> new RegistrarSettings("example.org", 90000, 60, 86400, 10));
    }

    @Test
    void nonsenseValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RegistrarSettings(" ", 3600, 60, 86400, 10));
        assertThrows(IllegalArgumentException.class, () -> new RegistrarSettings("example.org", 3600, 0, 86400, 10));
        assertThrows(IllegalArgumentException.class, () -> new RegistrarSettings("example.org", 3600, 60, 86400, 0));
    }
}
