package org.liaison.sip.registrar;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.liaison.sip.message.Flow;

/** Bindings for store tests, with documentation addresses (RFC 5737). */
final class TestBindings {
    static final Flow UDP_FLOW = new Flow("UDP", "192.0.2.10", 40000, "198.51.100.1", 5060);
    static final Flow TCP_FLOW = new Flow("TCP", "192.0.2.20", 51234, "198.51.100.1", 5060);

    private TestBindings() {
    }

    /** A binding keyed by its Contact URI (no instance). */
    static Binding contact(String aor, String contactUri, Instant expiresAt) {
        return new Binding(aor, contactUri, "<" + contactUri + ">", Optional.empty(), OptionalInt.empty(),
                "call-" + aor, 1, expiresAt, List.of(), UDP_FLOW, expiresAt.minusSeconds(3600));
    }

    /** A binding keyed by device: instance and reg-id, with a Path and a TCP flow. */
    static Binding device(String aor, String instance, int regId, String contactUri, Instant expiresAt) {
        String header = "<" + contactUri + ">;+sip.instance=\"<" + instance + ">\";reg-id=" + regId;
        return new Binding(aor, contactUri, header, Optional.of(instance), OptionalInt.of(regId), "call-" + instance,
                7, expiresAt, List.of("<sip:edge.example.org;lr>"), TCP_FLOW, expiresAt.minusSeconds(600));
    }
}
