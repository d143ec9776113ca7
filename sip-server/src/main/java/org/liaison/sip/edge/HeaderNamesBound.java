package org.liaison.sip.edge;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.Set;

/**
 * Keeps JAIN-SIP's cache of lower-cased header names from growing without end. {@code SIPHeaderNamesCache} adds
 * every header name any message carries, in every spelling of its case, to a static map that nothing ever empties,
 * and interns it; a sender that puts fresh random names in each datagram grows the heap until the JVM dies. After
 * each parse, once the map holds more than {@link #LIMIT} names, the names JAIN-SIP did not start with are dropped:
 * the cache then builds them again on demand (the same lower-case String, interned), so lookups are unchanged.
 */
final class HeaderNamesBound {
    /** Far above the names real traffic uses (the standard ones, about 190 entries, plus a few dozen extensions). */
    static final int LIMIT = 4_096;

    private static final Map<?, ?> NAMES = cache();
    /** What the cache holds before any message: SIPHeaderNames, in their spelling and lower-cased. */
    private static final Set<Object> STANDARD = Set.copyOf(NAMES.keySet());

    private HeaderNamesBound() {
    }

    static void trim() {
        if (NAMES.size() > LIMIT) {
            NAMES.keySet().retainAll(STANDARD);
        }
    }

    static int size() {
        return NAMES.size();
    }

    private static Map<?, ?> cache() {
        try {
            Field field = Class.forName("gov.nist.javax.sip.header.SIPHeaderNamesCache").getDeclaredField("lowercaseMap");
            field.setAccessible(true);
            return (Map<?, ?>) field.get(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            // a JAIN-SIP that renamed it fails the start here, not later under a flood
            throw new IllegalStateException("JAIN-SIP's SIPHeaderNamesCache.lowercaseMap is not where 1.3.0-91 keeps it", e);
        }
    }
}
