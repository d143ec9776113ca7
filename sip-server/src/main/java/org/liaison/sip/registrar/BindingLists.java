package org.liaison.sip.registrar;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What every {@link LocationService} implementation does the same way to one AoR's binding list. */
final class BindingLists {
    private BindingLists() {
    }

    /** {@code bindings} itself when none has expired, so callers can tell "nothing changed" by identity. */
    static List<Binding> live(List<Binding> bindings, Instant now) {
        for (Binding binding : bindings) {
            if (binding.isExpired(now)) {
                return bindings.stream().filter(b -> !b.isExpired(now)).toList();
            }
        }
        return bindings;
    }

    /** The {@link LocationService#update} rule: only bindings of {@code aor}, each key once. */
    static void requireConsistent(String aor, List<Binding> bindings) {
        Set<String> keys = new HashSet<>();
        for (Binding binding : bindings) {
            if (!binding.aor().equals(aor)) {
                throw new IllegalArgumentException("binding of " + binding.aor() + " in the list of " + aor);
            }
            if (!keys.add(binding.key())) {
                throw new IllegalArgumentException("two bindings of " + aor + " with key " + binding.key());
            }
        }
    }

    /** The binding of the device {@code instanceId} (RFC 5627 §6). */
    static Optional<Binding> ofInstance(List<Binding> bindings, String instanceId) {
        return bindings.stream().filter(binding -> binding.instanceId().filter(instanceId::equals).isPresent())
                .findFirst();
    }

    /** The binding whose Contact URI normalises to {@code normalizedContact} ({@link ContactUris#normalize}). */
    static Optional<Binding> withContact(List<Binding> bindings, String normalizedContact) {
        return bindings.stream().filter(binding -> ContactUris.normalize(binding.contactUri()).equals(normalizedContact))
                .findFirst();
    }
}
