package org.liaison.sip.media;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The calls this node relays now, by Call-ID, and how many each caller has
 * ({@code media.max-relayed-calls-per-user}, counted per node: a call another node set up is carried on here
 * without counting, and the count of a node that stops goes with it).
 */
final class RelayedCalls {
    private final Map<String, RelayedCall> calls = new ConcurrentHashMap<>();
    private final RelayedCallsPerUser perUser;

    RelayedCalls(int maxPerUser) {
        this.perUser = new RelayedCallsPerUser(maxPerUser);
    }

    /** The call's state, null when this node relays no such call. */
    RelayedCall get(String callId) {
        return calls.get(callId);
    }

    /** The call, made now and counted for {@code caller} when new; null when {@code caller} has the most already. */
    RelayedCall open(String callId, String caller) {
        RelayedCall call = calls.get(callId);
        if (call != null) {
            return call;
        }
        if (!perUser.take(caller)) {
            return null;
        }
        RelayedCall fresh = new RelayedCall(caller);
        call = calls.putIfAbsent(callId, fresh);
        if (call == null) {
            return fresh;
        }
        perUser.release(caller); // another thread counted the same call first
        return call;
    }

    /** A call another node set up, which the shared relay holds: carried on from here. */
    RelayedCall adopt(String callId) {
        RelayedCall elsewhere = RelayedCall.setUpElsewhere();
        RelayedCall call = calls.putIfAbsent(callId, elsewhere);
        return call == null ? elsewhere : call;
    }

    /** The call is no longer relayed: it leaves the table and its caller's count, once. */
    void forget(String callId, RelayedCall call) {
        if (calls.remove(callId, call)) {
            call.owner.ifPresent(perUser::release);
        }
    }

    void forEach(BiConsumer<String, RelayedCall> action) {
        calls.forEach(action);
    }

    Set<String> callIds() {
        return Set.copyOf(calls.keySet());
    }

    int maxPerUser() {
        return perUser.max();
    }

    int of(String user) {
        return perUser.of(user);
    }
}
