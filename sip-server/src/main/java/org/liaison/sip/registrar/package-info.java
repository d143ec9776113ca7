/**
 * The registrar (RFC 3261 §10.3), the {@code LocationService} and its embedded store, and the lookup from a
 * Request-URI to the devices to send to ({@code TargetResolver}); it may depend on {@code store},
 * {@code message} and {@code config}.
 */
package org.liaison.sip.registrar;
