package org.liaison.sip.registrar;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
        if (sameContactUris(before, after)) {
            return; // a refresh: nothing to re-index, and no Contact to normalise twice (issue 12)
        }
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
        Set<String> contacts = new HashSet<>();
        for (Binding binding : bindings) {
            contacts.add(ContactUris.normalize(binding.contactUri()));
        }
        return contacts;
    }

    /** The same Contact URIs in the same order: then they normalise to the same set. */
    private static boolean sameContactUris(List<Binding> before, List<Binding> after) {
        if (before.size() != after.size()) {
            return false;
        }
        for (int i = 0; i < before.size(); i++) {
            if (!before.get(i).contactUri().equals(after.get(i).contactUri())) {
                return false;
            }
        }
        return true;
    }
}
