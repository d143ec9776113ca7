package org.liaison.sip.registrar;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Which address-of-records have a binding whose Contact URI normalises to a given
 * {@code user@host:port}, so an in-dialog request can find its binding without a scan. Usually
 * one AoR per contact, but nothing stops two users sharing a softphone's Contact, hence a set.
 *
 * <p>Callers serialise {@link #replace} per AoR; different AoRs may call it concurrently.
 */
final class ContactIndex {
    private final ConcurrentHashMap<String, Set<String>> aorsByContact = new ConcurrentHashMap<>();

    /** Records that {@code aor}'s bindings changed from {@code before} to {@code after}. */
    void replace(String aor, List<Binding> before, List<Binding> after) {
        Set<String> old = contacts(before);
        Set<String> now = contacts(after);
        for (String contact : old) {
            if (!now.contains(contact)) {
                aorsByContact.computeIfPresent(contact, (key, aors) -> {
                    aors.remove(aor);
                    return aors.isEmpty() ? null : aors;
                });
            }
        }
        for (String contact : now) {
            if (!old.contains(contact)) {
                aorsByContact.compute(contact, (key, aors) -> {
                    Set<String> result = aors == null ? ConcurrentHashMap.newKeySet() : aors;
                    result.add(aor);
                    return result;
                });
            }
        }
    }

    /** The AoRs that may hold a binding for {@code normalizedContact}; check the binding itself. */
    Set<String> aorsFor(String normalizedContact) {
        return aorsByContact.getOrDefault(normalizedContact, Set.of());
    }

    private static Set<String> contacts(List<Binding> bindings) {
        return bindings.stream().map(binding -> ContactUris.normalize(binding.contactUri())).collect(Collectors.toSet());
    }
}
