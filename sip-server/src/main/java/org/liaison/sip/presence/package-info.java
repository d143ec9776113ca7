/**
 * Presence: the server is the presence agent of every user of its domain (RFC 3856) and a resource
 * list server for the directory (RFC 4662). {@link org.liaison.sip.presence.PresenceHandler} decides
 * SUBSCRIBE and PUBLISH with {@code Event: presence}; {@link org.liaison.sip.presence.PresenceServer}
 * keeps the subscriptions and sends their NOTIFYs through the proxy's {@code Originator}. What a user
 * shows is what their devices published (RFC 3903) or, when they published nothing, what the server
 * knows: their registrations and the calls the proxy carries ({@link org.liaison.sip.presence.CallsInProgress}).
 * It may depend on {@code proxy}, {@code registrar}, {@code message} and {@code config}.
 */
package org.liaison.sip.presence;
