package org.liaison.sip.proxy;

import java.util.function.IntConsumer;
import javax.sip.message.Request;
import org.liaison.sip.message.Target;

/**
 * Sends requests the server itself originates, as a user agent client (RFC 3261 §8.1), not as a
 * proxy: a stored message on its way to a device. What messaging needs of the proxy, and no more.
 */
public interface Originator {
    /**
     * Sends {@code request} to {@code target}; {@code onFinal} gets the final status, once: the
     * device's, 408 when it does not answer, 503 when the request could not be sent (a destination
     * {@code security.allowed-destinations} refuses included).
     */
    void originate(Request request, Target target, IntConsumer onFinal);
}
