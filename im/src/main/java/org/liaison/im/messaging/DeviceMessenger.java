package org.liaison.im.messaging;

import java.util.concurrent.CompletionStage;
import org.liaison.im.StoredMessage;

/**
 * Sends a stored message to one device: the port through which delivery reaches the network
 * (sip-server implements it with a new MESSAGE carrying the original From, Call-ID and a Date of
 * its arrival, RFC 3428).
 */
@FunctionalInterface
public interface DeviceMessenger {

    /**
     * Sends {@code message} to the device {@code deviceKey} of {@code user}. The stage completes
     * once, with the device's answer or the lack of one (never exceptionally), on whatever
     * thread learnt it, possibly before this returns.
     */
    CompletionStage<DeviceAnswer> send(String user, String deviceKey, StoredMessage message);
}
