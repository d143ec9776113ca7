package org.liaison.sip.presence;

import java.util.List;
import org.liaison.sip.registrar.Binding;
import org.liaison.sip.registrar.LocationService;

/**
 * The presence document of a user (a presentity, RFC 3856 §2) as subscribers get it: what the
 * server knows from the registrations (shared by every node of a cluster) and the calls this node
 * carries.
 */
final class PresentityStates {
    private final LocationService locations;
    private final CallsInProgress calls;
    private final String domain;

    PresentityStates(LocationService locations, CallsInProgress calls, String domain) {
        this.locations = locations;
        this.calls = calls;
        this.domain = domain;
    }

    String aor(String user) {
        return "sip:" + user + "@" + domain;
    }

    String document(String user) {
        return PidfDocument.derived(aor(user), availability(user));
    }

    private Availability availability(String user) {
        List<Binding> devices = locations.lookup(user);
        if (devices.isEmpty()) {
            return Availability.OFFLINE;
        }
        return calls.inCall(user) ? Availability.ON_THE_PHONE : Availability.AVAILABLE;
    }
}
