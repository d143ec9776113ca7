package org.liaison.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ContactUrisTest {

    @Test
    void parametersAndHeadersAreDroppedAndTheHostLowerCased() {
        assertEquals("alice@host.example.org:5072",
                ContactUris.normalize("sip:alice@Host.Example.ORG:5072;transport=TCP;ob?subject=hi"));
    }

    @Test
    void angleBracketsArePeeledOff() {
        assertEquals("alice@192.0.2.1:5060", ContactUris.normalize(" <sip:alice@192.0.2.1> "));
    }

    @Test
    void aMissingPortIsTheSchemesDefault() {
        assertEquals("alice@192.0.2.1:5060", ContactUris.normalize("sip:alice@192.0.2.1"));
        assertEquals("alice@192.0.2.1:5061", ContactUris.normalize("sips:alice@192.0.2.1"));
    }

    @Test
    void theUserKeepsItsCaseAndLosesItsPassword() {
        assertEquals("Alice@192.0.2.1:5060", ContactUris.normalize("sip:Alice:secret@192.0.2.1"));
    }

    @Test
    void ipv6HostsKeepTheirBracketsAndTheirPort() {
        assertEquals("alice@[2001:db8::1]:5060", ContactUris.normalize("sip:alice@[2001:DB8::1]"));
        assertEquals("alice@[2001:db8::1]:5070", ContactUris.normalize("sip:alice@[2001:db8::1]:5070;transport=tcp"));
    }

    @Test
    void aUriWithoutUserIsJustHostAndPort() {
        assertEquals("192.0.2.1:5060", ContactUris.normalize("sip:192.0.2.1;lr"));
    }

    @Test
    void aNonSipUriIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ContactUris.normalize("tel:+15551234567"));
        assertThrows(IllegalArgumentException.class, () -> ContactUris.normalize("alice"));
    }
}
