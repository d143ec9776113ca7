/**
 * The relay in this process: calls, legs, relay ports and the Netty packet path, with its learning and destination
 * rules; it may depend on the root package and {@code sdp}.
 */
package org.liaison.media.relay;
