package org.liaison.sip.presence;

import java.util.List;
import org.liaison.sip.registrar.Binding;
import org.liaison.sip.registrar.LocationService;

/**
 * The presence document of a user (a presentity, RFC 3856 §2) as subscribers get it: what their
 * devices published, and what the server knows from the registrations (shared by every node of a
 * cluster) and the calls this node carries.
 */
final class PresentityStates {
    private final LocationService locations;
    private final CallsInProgress calls;
    private final Publications publications;
    private final String domain;

    PresentityStates(LocationService locations, CallsInProgress calls, Publications publications, String domain) {
        this.locations = locations;
        this.calls = calls;
        this.publications = publications;
        this.domain = domain;
    }

    String aor(String user) {
        return "sip:" + user + "@" + domain;
    }

    /**
     * What the user's devices published while it is valid (RFC 3903), else what the server knows. With
     * no registered device the user is offline whatever was published: a phone that lost its network
     * cannot withdraw its publication, and a watcher must not call someone who cannot answer. In a call,
     * a publication that says only "available" gives way to on the phone: Linphone publishes "online" at
     * start and nothing for a call, so a watcher would call someone already talking; busy, away or offline
     * (appear offline) the user chose stay as published.
     */
    String document(String user) {
        List<Binding> devices = locations.lookup(user);
        if (devices.isEmpty()) {
            return PidfDocument.derived(aor(user), Availability.OFFLINE);
        }
        boolean inCall = calls.inCall(user);
        return publications.current(user).filter(published -> !(inCall && PidfDocument.saysAvailable(published)))
                .orElseGet(() -> PidfDocument.derived(aor(user),
                        inCall ? Availability.ON_THE_PHONE : Availability.AVAILABLE));
    }
}
