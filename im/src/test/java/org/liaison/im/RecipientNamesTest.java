package org.liaison.im;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecipientNamesTest {

    @Test
    void plainLowerCaseNamesAreKeptAsTheyAre() {
        assertEquals("bob_smith-2", RecipientNames.toFileName("bob_smith-2"));
    }

    @Test
    void separatorsDotsUpperCaseAndNonAsciiAreEncoded() {
        assertEquals("%2E%2E%2Fetc", RecipientNames.toFileName("../etc"));
        assertEquals("%42ob", RecipientNames.toFileName("Bob"));
        assertEquals("j%C3%B6rg", RecipientNames.toFileName("jörg"));
    }

    @Test
    void everyEncodedNameDecodesBackToTheSameRecipient() {
        for (String name : new String[] {"bob", "Bob", "../etc", "jörg", "a b%c", "x.y@example.org"}) {
            assertEquals(Optional.of(name), RecipientNames.fromFileName(RecipientNames.toFileName(name)));
        }
    }

    @Test
    void namesTheStoreDidNotWriteAreNotRecipients() {
        assertEquals(Optional.empty(), RecipientNames.fromFileName("Bob"));
        assertEquals(Optional.empty(), RecipientNames.fromFileName("%2e%2e"));
        assertEquals(Optional.empty(), RecipientNames.fromFileName("%4"));
        assertEquals(Optional.empty(), RecipientNames.fromFileName(""));
        assertEquals(Optional.empty(), RecipientNames.fromFileName(".hidden"));
    }

    @Test
    void emptyOrOverlongNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RecipientNames.toFileName(""));
        assertThrows(IllegalArgumentException.class, () -> RecipientNames.toFileName("é".repeat(50)));
    }
}
