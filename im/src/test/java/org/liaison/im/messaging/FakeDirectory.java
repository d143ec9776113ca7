package org.liaison.im.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The registrar as delivery sees it: devices register and go away as a test says. */
final class FakeDirectory implements DeviceDirectory {
    private final Map<String, List<String>> devices = new ConcurrentHashMap<>();

    void register(String user, String... deviceKeys) {
        devices.computeIfAbsent(user, u -> new ArrayList<>()).addAll(List.of(deviceKeys));
    }

    void unregister(String user, String deviceKey) {
        devices.getOrDefault(user, new ArrayList<>()).remove(deviceKey);
    }

    @Override
    public List<String> devicesOf(String user) {
        return List.copyOf(devices.getOrDefault(user, List.of()));
    }
}
