package org.liaison.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.liaison.sip.registrar.TestBindings.contact;
import static org.liaison.sip.registrar.TestBindings.device;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BindingCodecTest {
    private static final Instant AT = Instant.parse("2025-03-01T10:00:00.123456789Z");

    @Test
    void aRecordDecodesToTheBindingsItWasEncodedFrom() {
        List<Binding> bindings = List.of(contact("alice", "sip:alice@192.0.2.1", AT),
                device("alice", "urn:uuid:ünïcödé", 3, "sip:alice@192.0.2.2;ob", AT));

        BindingCodec.AorBindings decoded = BindingCodec.decode(BindingCodec.encode("alice", bindings));

        assertEquals(new BindingCodec.AorBindings("alice", bindings), decoded);
    }

    @Test
    void aRemovalIsARecordWithNoBindings() {
        assertEquals(List.of(), BindingCodec.decode(BindingCodec.encode("alice", List.of())).bindings());
    }

    @Test
    void aRecordOfAnUnknownVersionIsRefusedRatherThanMisread() {
        byte[] record = BindingCodec.encode("alice", List.of());
        record[0] = 2;

        assertThrows(IllegalStateException.class, () -> BindingCodec.decode(record));
    }
}
