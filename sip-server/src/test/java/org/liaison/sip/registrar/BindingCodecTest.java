package org.liaison.sip.registrar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.liaison.sip.registrar.TestBindings.contact;
import static org.liaison.sip.registrar.TestBindings.device;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.liaison.sip.message.Flow;

class BindingCodecTest {
    static final Instant AT = Instant.parse("2025-03-01T10:00:00.123456789Z");
    /** One binding of alice, expiring {@link #AT}, as the release before owning nodes wrote it (its BindingCodec's bytes). */
    static final byte[] VERSION_1_RECORD = HexFormat.of().parseHex(
            "0100000005616c69636500000001000000167369703a616c69636540313932"
            + "2e302e322e323b6f620000003e3c7369703a616c696365403139322e302e322e323b6f623e3b2b7369702e696e7374"
            + "616e63653d223c75726e3a757569643a313e223b7265672d69643d31010000000a75726e3a757569643a3101000000"
            + "010000000663616c6c2d3100000000000000070000000067c2daa0075bcd150000000067c2d848075bcd1500000001"
            + "000000193c7369703a656467652e6578616d706c652e6f72673b6c723e000000035443500000000a3139322e302e32"
            + "2e32300000c8220000000c3139382e35312e3130302e31000013c4");
    /** The binding of {@link #VERSION_1_RECORD}: no owning node. */
    static final Binding VERSION_1_BINDING = new Binding("alice", "sip:alice@192.0.2.2;ob",
            "<sip:alice@192.0.2.2;ob>;+sip.instance=\"<urn:uuid:1>\";reg-id=1", Optional.of("urn:uuid:1"),
            OptionalInt.of(1), "call-1", 7, AT, List.of("<sip:edge.example.org;lr>"),
            new Flow("TCP", "192.0.2.20", 51234, "198.51.100.1", 5060), AT.minusSeconds(600), "");

    @Test
    void aRecordDecodesToTheBindingsItWasEncodedFrom() {
        List<Binding> bindings = List.of(contact("alice", "sip:alice@192.0.2.1", AT),
                device("alice", "urn:uuid:ünïcödé", 3, "sip:alice@192.0.2.2;ob", AT));

        BindingCodec.AorBindings decoded = BindingCodec.decode(BindingCodec.encode("alice", bindings));

        assertEquals(new BindingCodec.AorBindings("alice", bindings), decoded);
    }

    @Test
    void theOwningNodeOfAClusterBindingSurvivesTheRecord() {
        Binding onNodeA = new Binding("alice", "sip:alice@192.0.2.1", "<sip:alice@192.0.2.1>", Optional.empty(),
                OptionalInt.empty(), "call-1", 1, AT, List.of(), TestBindings.TCP_FLOW, AT,
                "sip:198.51.100.1:5060;transport=tcp");

        assertEquals(List.of(onNodeA),
                BindingCodec.decode(BindingCodec.encode("alice", List.of(onNodeA))).bindings());
    }

    /**
     * The bytes today's journals and Redis hold: a version 1 record, as the release before owning nodes wrote it
     * (encoded by that release's BindingCodec). It must load, as a binding no node owns.
     */
    @Test
    void aVersion1RecordOfAnEarlierReleaseLoadsWithNoOwningNode() {
        assertEquals(new BindingCodec.AorBindings("alice", List.of(VERSION_1_BINDING)),
                BindingCodec.decode(VERSION_1_RECORD));
    }

    @Test
    void aRemovalIsARecordWithNoBindings() {
        assertEquals(List.of(), BindingCodec.decode(BindingCodec.encode("alice", List.of())).bindings());
    }

    @Test
    void aRecordOfAnUnknownVersionIsRefusedRatherThanMisread() {
        byte[] record = BindingCodec.encode("alice", List.of());
        record[0] = 3;

        assertThrows(IllegalStateException.class, () -> BindingCodec.decode(record));
    }
}
