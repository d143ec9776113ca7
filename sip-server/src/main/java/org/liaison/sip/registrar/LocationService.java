package org.liaison.sip.registrar;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Where the registrar keeps bindings and the proxy finds them: the location service of RFC 3261
 * §10. Implementations are safe for concurrent use; calls for different address-of-records run in
 * parallel, calls for the same one are serialised.
 *
 * <p>No method ever returns an expired binding: a binding ceases to exist at its
 * {@link Binding#expiresAt()} whether or not {@link #purgeExpired()} has run yet.
 *
 * <p>Every implementation runs {@code LocationServiceContract}.
 */
public interface LocationService {

    /** The live bindings of {@code aor} (a lower-case user name), in the order they were stored. */
    List<Binding> lookup(String aor);

    /** The live binding of {@code aor} registered by the device {@code instanceId}, to route a GRUU (RFC 5627 §6). */
    Optional<Binding> findByInstance(String aor, String instanceId);

    /**
     * The live binding whose Contact URI points where {@code contactUri} does: same user, host
     * (any case) and port (5060 when absent), URI parameters ignored. Used for an in-dialog
     * request whose Request-URI is a registered Contact, so it goes to that binding's flow.
     */
    Optional<Binding> findByContact(String contactUri);

    /**
     * As {@link #findByContact}, among the bindings of other address-of-records than {@code aor}: a device another
     * user registered. Reads nothing of {@code aor} itself, so a device re-registering its own Contact costs no
     * lookup of its own bindings.
     */
    Optional<Binding> findOthersByContact(String contactUri, String aor);

    /**
     * The live binding of {@code aor} at {@code contactUri}: what {@link #findByContact} finds when the AoR is known,
     * from the AoR's own bindings (a node's cache in a cluster) instead of the Contact index (a Redis round trip).
     */
    default Optional<Binding> findInAor(String aor, String contactUri) {
        return ContactUris.normalized(contactUri).flatMap(wanted -> BindingLists.withContact(lookup(aor), wanted));
    }

    /**
     * Atomically replaces the bindings of {@code aor} with {@code change} applied to its current
     * live bindings, and returns what was stored. The new list is persisted before this returns.
     *
     * <p>{@code change} must be a pure function of its argument: it runs under the AoR's lock, and
     * a store shared by several nodes runs it again when another node changed the AoR meanwhile
     * (only the last run's result is stored). If it returns its argument itself (the same
     * instance) nothing is written; if it throws, the exception propagates and nothing changes. An
     * empty result removes the AoR.
     *
     * @throws IllegalArgumentException if the result holds a binding of another AoR, or two
     *                                  bindings with the same {@link Binding#key()}
     * @throws java.io.UncheckedIOException if the change could not be persisted; nothing changed
     */
    List<Binding> update(String aor, UnaryOperator<List<Binding>> change);

    /**
     * As {@link #update}, unless another address-of-record has a live binding at one of {@code contactUris} (found as
     * {@link #findOthersByContact} finds it) that {@code taken} accepts: then nothing is written and that binding is
     * returned in {@link Claim#takenBy}. The registrar's "one device, one user" rule: a store shared by several nodes
     * checks it in the same atomic step as the write (and the same round trip), so two users cannot claim one Contact
     * at once through two nodes; this default checks first, then updates.
     */
    default Claim updateClaiming(String aor, List<String> contactUris, Predicate<Binding> taken,
            UnaryOperator<List<Binding>> change) {
        for (String contactUri : contactUris) {
            Optional<Binding> other = findOthersByContact(contactUri, aor).filter(taken);
            if (other.isPresent()) {
                return new Claim(List.of(), other);
            }
        }
        return new Claim(update(aor, change), Optional.empty());
    }

    /**
     * As {@link #updateClaiming}, completing once the change is stored, with what {@link #updateClaiming} returns or
     * throws. A store that writes for several callers at once (the cluster's, which sends the writes of a few ms to
     * Redis together) holds no caller's thread meanwhile; this default runs {@link #updateClaiming} at once.
     */
    default CompletionStage<Claim> updateClaimingLater(String aor, List<String> contactUris, Predicate<Binding> taken,
            UnaryOperator<List<Binding>> change) {
        try {
            return CompletableFuture.completedFuture(updateClaiming(aor, contactUris, taken, change));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * What {@link #updateClaiming} did.
     *
     * @param stored  what was stored (as {@link #update} returns it); empty when refused
     * @param takenBy the other user's binding that refused the claim; empty when the change was applied
     */
    record Claim(List<Binding> stored, Optional<Binding> takenBy) {
    }

    /** Forgets every binding of {@code aor}, e.g. because the user was deleted from users.csv. */
    void removeAll(String aor);

    /** Drops expired bindings from memory and returns how many there were. */
    int purgeExpired();

    /** The number of live bindings across all address-of-records. */
    int count();
}
