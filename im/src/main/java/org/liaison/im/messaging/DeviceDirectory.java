package org.liaison.im.messaging;

import java.util.List;

/**
 * The devices a user has now: the port through which delivery asks the registrar's location
 * service (sip-server implements it). A device is named by the key its acknowledgements are
 * stored under ({@link org.liaison.im.OfflineStore}): its {@code +sip.instance}, else its Contact
 * URI.
 */
@FunctionalInterface
public interface DeviceDirectory {

    /** The keys of {@code user}'s registered devices; empty when none is. */
    List<String> devicesOf(String user);
}
