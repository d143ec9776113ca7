/**
 * The registrar (RFC 3261 §10.3), the {@code LocationService} with its embedded store and its Redis store
 * (cluster mode), and the lookup from a Request-URI to the devices to send to ({@code TargetResolver}); it may
 * depend on {@code cluster}, {@code store}, {@code message} and {@code config}.
 */
package org.liaison.sip.registrar;
