package org.liaison.sip.registrar;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.liaison.sip.message.Flow;

/**
 * One registered contact of an address-of-record: what a REGISTER asked for, and where it came
 * from (RFC 3261 §10.3).
 *
 * @param aor           the address-of-record's user part, lower case ({@code alice})
 * @param contactUri    the Contact URI, the text inside {@code <>}
 * @param contactHeader the whole Contact header field value as received, with every parameter
 *                      ({@code +sip.instance}, {@code reg-id}, {@code +org.linphone.specs},
 *                      {@code q}, {@code expires}, ...) so the 200 OK and forwarded requests can
 *                      give it back unchanged
 * @param instanceId    the {@code +sip.instance} value without quotes and {@code <>}
 *                      ({@code urn:uuid:...}), naming the device (RFC 5626 §4.1)
 * @param regId         the {@code reg-id}, naming one of the device's flows (RFC 5626 §4.2);
 *                      only meaningful with an instance
 * @param callId        Call-ID of the REGISTER that wrote this binding
 * @param cseq          CSeq number of that REGISTER, to refuse stale ones (RFC 3261 §10.3 step 7)
 * @param expiresAt     when the binding stops existing unless refreshed
 * @param path          the REGISTER's Path header field values, in order (RFC 3327)
 * @param flow          where the REGISTER came from; requests for this binding are sent there
 * @param registeredAt  when this registration began: kept by refreshes (same Call-ID), reset by a
 *                      new one, so it answers "online since"
 * @param node          the {@code cluster.node-uri} of the node that accepted the REGISTER, which alone
 *                      holds the flow (a TCP/TLS connection, a NAT's pinhole); empty on one machine, and
 *                      for bindings written before nodes were recorded (they are reached as before)
 */
public record Binding(String aor, String contactUri, String contactHeader, Optional<String> instanceId,
        OptionalInt regId, String callId, long cseq, Instant expiresAt, List<String> path, Flow flow,
        Instant registeredAt, String node) {

    public Binding {
        Objects.requireNonNull(aor, "aor");
        if (aor.isEmpty() || !aor.equals(aor.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("aor must be a non-empty lower-case user name: " + aor);
        }
        Objects.requireNonNull(contactUri, "contactUri");
        Objects.requireNonNull(contactHeader, "contactHeader");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(regId, "regId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(expiresAt, "expiresAt");
        path = List.copyOf(path);
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(node, "node");
    }

    /** A binding accepted on one machine (no owning node). */
    public Binding(String aor, String contactUri, String contactHeader, Optional<String> instanceId,
            OptionalInt regId, String callId, long cseq, Instant expiresAt, List<String> path, Flow flow,
            Instant registeredAt) {
        this(aor, contactUri, contactHeader, instanceId, regId, callId, cseq, expiresAt, path, flow, registeredAt, "");
    }

    /**
     * Whether the flow of this binding ends on another node than {@code thisNode} (this node's
     * {@code cluster.node-uri}, empty on one machine), which must then carry requests to the device.
     */
    public boolean isOwnedByAnotherNode(String thisNode) {
        return !node.isEmpty() && !node.equals(thisNode);
    }

    /**
     * Identifies the device within its address-of-record. With an instance ID the device is the
     * key, so a device that re-registers with a new Contact URI (new IP, new port) replaces its own
     * binding instead of adding a second one (RFC 5626 §6, RFC 5627 §4.1); {@code reg-id} 0 stands
     * for "none", since valid reg-ids start at 1. Without an instance the Contact URI is the key
     * (RFC 3261 §10.3 step 7), compared as {@link ContactUris#normalize} does.
     */
    public String key() {
        return instanceId.map(instance -> instance + ":" + regId.orElse(0))
                .orElseGet(() -> ContactUris.normalize(contactUri));
    }

    /** A binding expires at {@code expiresAt} exactly; from then on it does not exist. */
    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
