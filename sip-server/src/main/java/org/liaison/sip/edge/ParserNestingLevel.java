package org.liaison.sip.edge;

import gov.nist.core.ParserCore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Keeps JAIN-SIP's parser nesting level far below zero, where it costs nothing. {@code ParserCore.dbg_enter} and
 * {@code dbg_leave} build a throwaway StringBuilder of {@code nesting_level} characters and step that static,
 * unsynchronized int up and down. Most parsers call them only in debug builds, but {@code AuthorizationParser},
 * {@code AddressParametersParser} (From, To, Contact, Route, Record-Route, ...) and a few more call them on every
 * header. On one thread the steps cancel out; on the SIP workers, parsing at once, lost updates make the level a
 * random walk, and each call then loops over however high it has gone. Issue 12 measured it: two threads parsing
 * REGISTERs without pause cost 36-42 µs of CPU per parse against 10 µs on one thread, allocating 54 KB per parse
 * against 16 KB. A server on two cores at 1000 REGISTER/s walked only to 1-29 in three minutes; the walk is faster
 * with more cores parsing at once, and it never stops. With debug off the level is read for nothing else, so
 * holding it a billion below zero changes no parse: the loop never runs.
 */
final class ParserNestingLevel {
    /** So far below zero that the racing steps, a few per header, do not bring it back up in the life of a process. */
    static final int FAR_BELOW_ZERO = Integer.MIN_VALUE / 2;

    private static final VarHandle LEVEL = level();

    private ParserNestingLevel() {
    }

    /** Called after each parse: one plain read, and a write only the first time or if the walk ever came back. */
    static void keepFarBelowZero() {
        if ((int) LEVEL.get() > FAR_BELOW_ZERO / 2) {
            LEVEL.set(FAR_BELOW_ZERO);
        }
    }

    static int current() {
        return (int) LEVEL.get();
    }

    static void set(int level) {
        LEVEL.set(level);
    }

    private static VarHandle level() {
        try {
            return MethodHandles.privateLookupIn(ParserCore.class, MethodHandles.lookup())
                    .findStaticVarHandle(ParserCore.class, "nesting_level", int.class);
        } catch (ReflectiveOperationException e) {
            // a JAIN-SIP that renamed it fails the start here, not later as a slow parser
            throw new IllegalStateException("JAIN-SIP's ParserCore.nesting_level is not where 1.3.0-91 keeps it", e);
        }
    }
}
