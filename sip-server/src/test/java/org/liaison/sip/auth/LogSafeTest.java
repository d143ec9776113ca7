package org.liaison.sip.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogSafeTest {
    @Test
    void keepsAPlainUsernameAsItIs() {
        assertEquals("alice.smith+desk_1@example.org", LogSafe.token("alice.smith+desk_1@example.org"));
    }

    @Test
    void percentEncodesSpacesEqualsSignsLineBreaksAndNonAscii() {
        assertEquals("a%20b%3Dc%0D%0A%C3%A9", LogSafe.token("a b=c\r\né"));
    }

    @Test
    void marksAnEmptyValue() {
        assertEquals("-", LogSafe.token(""));
    }

    @Test
    void cutsALongValue() {
        assertTrue(LogSafe.token("a".repeat(10_000)).length() <= 64);
    }
}
