/**
 * The SIP side of chat (RFC 3428): im ({@code org.liaison.im.messaging}) decides what happens to a
 * message; this package turns MESSAGE requests into what im keeps, answers im's verdicts in SIP
 * ({@link org.liaison.sip.messaging.OfflineMessaging}, {@link org.liaison.sip.messaging.GroupMessaging}),
 * and implements im's two ports: the devices of a user
 * ({@link org.liaison.sip.messaging.RegisteredDevices}) and a MESSAGE to one device
 * ({@link org.liaison.sip.messaging.SipDeviceMessenger}). It may depend on {@code proxy} (only its
 * {@code Originator}), {@code registrar} and {@code message}.
 */
package org.liaison.sip.messaging;
