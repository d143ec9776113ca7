package org.liaison.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MediaRefusalTest {
    @Test
    void warningTextFitsInAQuotedStringWhateverTheRelaySaid() {
        assertEquals("no m= line in 'v=0'' x'", new MediaRefusal(488, "no m= line in \"v=0\r\" x\\", 0).warning());
    }
}
