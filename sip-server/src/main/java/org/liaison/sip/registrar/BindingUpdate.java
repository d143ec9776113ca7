package org.liaison.sip.registrar;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RFC 3261 §10.3 steps 6 and 7 as a pure function from an AoR's current bindings and one
 * REGISTER's contacts to its new bindings, or the reason the REGISTER must fail. It runs inside
 * {@link LocationService#update}, so it sees the bindings exactly as they are when it decides.
 */
final class BindingUpdate {
    enum Verdict { ACCEPTED, OUT_OF_ORDER, TOO_MANY_CONTACTS }

    record Result(Verdict verdict, List<Binding> bindings) {
        static Result accepted(List<Binding> bindings) {
            return new Result(Verdict.ACCEPTED, List.copyOf(bindings));
        }

        static Result refused(Verdict verdict) {
            return new Result(verdict, List.of());
        }
    }

    private BindingUpdate() {
    }

    /**
     * Applies the REGISTER's {@code requested} bindings (expiring at {@code now} means "remove")
     * to {@code current}. A device (same {@link Binding#key()}) that registers again replaces its
     * binding; from the same Call-ID only with a higher CSeq (step 7). A new device beyond
     * {@code maxContacts} refuses the whole request.
     */
    static Result apply(List<Binding> current, List<Binding> requested, int maxContacts, Instant now) {
        Map<String, Binding> before = byKey(current);
        Map<String, Binding> after = new LinkedHashMap<>(before);
        boolean newDevice = false;
        for (Binding wanted : requested) {
            String key = wanted.key(); // a normalised Contact URI: computed once per binding
            Binding existing = before.get(key);
            if (existing != null && isStale(wanted, existing)) {
                return Result.refused(Verdict.OUT_OF_ORDER);
            }
            if (wanted.isExpired(now)) {
                after.remove(key);
            } else {
                boolean refresh = existing != null && existing.callId().equals(wanted.callId());
                after.put(key, refresh ? keepRegisteredAt(wanted, existing.registeredAt()) : wanted);
                newDevice |= existing == null;
            }
        }
        // Refreshes stay allowed even above the cap, e.g. after the cap was lowered.
        if (newDevice && after.size() > maxContacts) {
            return Result.refused(Verdict.TOO_MANY_CONTACTS);
        }
        return Result.accepted(List.copyOf(after.values()));
    }

    /**
     * {@code Contact: *} with {@code Expires: 0} (step 6): every binding goes, unless one was
     * written by the same Call-ID with a CSeq not lower than this request's.
     */
    static Result removeAll(List<Binding> current, String callId, long cseq) {
        for (Binding existing : current) {
            if (existing.callId().equals(callId) && cseq <= existing.cseq()) {
                return Result.refused(Verdict.OUT_OF_ORDER);
            }
        }
        return Result.accepted(List.of());
    }

    /** Step 7: a REGISTER from the same Call-ID must carry a higher CSeq than the one that wrote the binding. */
    private static boolean isStale(Binding wanted, Binding existing) {
        return existing.callId().equals(wanted.callId()) && wanted.cseq() <= existing.cseq();
    }

    /** The last binding of each key, in the order the keys first appear. */
    private static Map<String, Binding> byKey(List<Binding> bindings) {
        Map<String, Binding> byKey = new LinkedHashMap<>();
        for (Binding binding : bindings) {
            byKey.put(binding.key(), binding);
        }
        return byKey;
    }

    private static Binding keepRegisteredAt(Binding b, Instant registeredAt) {
        return new Binding(b.aor(), b.contactUri(), b.contactHeader(), b.instanceId(), b.regId(), b.callId(),
                b.cseq(), b.expiresAt(), b.path(), b.flow(), registeredAt, b.node());
    }
}
