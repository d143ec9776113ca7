package org.liaison.sip.messaging;

import java.util.List;
import org.liaison.im.messaging.DeviceDirectory;
import org.liaison.sip.registrar.Binding;
import org.liaison.sip.registrar.LocationService;

/** im's {@link DeviceDirectory} over the location service: a user's devices are its bindings, by {@link Binding#key()}. */
public final class RegisteredDevices implements DeviceDirectory {
    private final LocationService locations;

    public RegisteredDevices(LocationService locations) {
        this.locations = locations;
    }

    @Override
    public List<String> devicesOf(String user) {
        return locations.lookup(user).stream().map(Binding::key).toList();
    }
}
