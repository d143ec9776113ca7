package org.liaison.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.liaison.sip.registrar.TestBindings.UDP_FLOW;
import static org.liaison.sip.registrar.TestBindings.contact;
import static org.liaison.sip.registrar.TestBindings.device;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.liaison.sip.message.Flow;

class BindingTest {
    private static final Instant AT = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void aDeviceIsKeyedByInstanceAndRegId() {
        assertEquals("urn:uuid:a1:2", device("alice", "urn:uuid:a1", 2, "sip:alice@192.0.2.1", AT).key());
    }

    @Test
    void aDeviceWithoutRegIdIsKeyedByInstanceAlone() {
        Binding binding = new Binding("alice", "sip:alice@192.0.2.1", "<sip:alice@192.0.2.1>",
                Optional.of("urn:uuid:a1"), OptionalInt.empty(), "c", 1, AT, List.of(), UDP_FLOW, AT);

        assertEquals("urn:uuid:a1:0", binding.key());
    }

    @Test
    void aBindingWithoutInstanceIsKeyedByItsNormalizedContact() {
        assertEquals(contact("alice", "sip:alice@192.0.2.1:5060;transport=udp", AT).key(),
                contact("alice", "sip:alice@192.0.2.1", AT).key());
    }

    @Test
    void aBindingHasExpiredFromItsExpiryInstantOn() {
        Binding binding = contact("alice", "sip:alice@192.0.2.1", AT);

        assertFalse(binding.isExpired(AT.minusNanos(1)));
        assertTrue(binding.isExpired(AT));
    }

    @Test
    void theAddressOfRecordMustBeALowerCaseUserName() {
        assertThrows(IllegalArgumentException.class, () -> contact("Alice", "sip:alice@192.0.2.1", AT));
    }

    @Test
    void aFlowNamesAKnownTransportInUpperCase() {
        assertEquals("TLS", new Flow("tls", "192.0.2.1", 5061, "198.51.100.1", 5061).transport());
        assertThrows(IllegalArgumentException.class, () -> new Flow("SCTP", "192.0.2.1", 5060, "198.51.100.1", 5060));
        assertThrows(IllegalArgumentException.class, () -> new Flow("UDP", "192.0.2.1", 0, "198.51.100.1", 5060));
    }
}
