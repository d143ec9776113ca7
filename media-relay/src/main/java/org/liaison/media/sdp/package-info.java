/**
 * The SDP model the relay rewrites (RFC 8866): every line kept byte for byte but the addresses and ports it
 * changes; it depends only on the root package.
 */
package org.liaison.media.sdp;
