/**
 * What happens to a chat message (RFC 3428 MESSAGE) once the SIP side has taken it in: whether
 * it is worth keeping ({@link org.liaison.im.messaging.MessagePolicy}), keeping it for later, a
 * group post once for all its members ({@link org.liaison.im.messaging.StoreAndForward}), off the
 * SIP threads ({@link org.liaison.im.messaging.GroupFanOut}), and delivery to each device in order
 * with retries ({@link org.liaison.im.messaging.MessageDelivery}).
 *
 * <p>It sees SIP only through two ports that sip-server implements:
 * {@link org.liaison.im.messaging.DeviceDirectory} (the devices a user has registered now) and
 * {@link org.liaison.im.messaging.DeviceMessenger} (send a message to one device, learn its
 * answer). Storage goes through {@link org.liaison.im.OfflineStore} only, so a second store (the
 * cluster's) changes nothing here. Its verdicts ({@link org.liaison.im.messaging.Acceptance}) are
 * answered in SIP by sip-server.
 */
package org.liaison.im.messaging;
