/**
 * The SIP side of the media relay: which message offers, answers or ends which relayed call
 * ({@code MediaAnchor}) and the media policy; in a cluster, which shared relay holds each call
 * ({@code RedisRelayPlacements}). It depends on the media-relay module's interface, {@code message},
 * {@code config} and {@code cluster} (the shared Redis connection) only.
 */
package org.liaison.sip.media;
