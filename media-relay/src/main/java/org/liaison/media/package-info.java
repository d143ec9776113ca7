/**
 * The media relay's public face: the {@code MediaRelay} interface the SIP server drives (offer, answer, delete in
 * rtpengine's ng vocabulary), its configuration and statistics; it knows no SIP. Its
 * implementations, in {@code relay} and {@code ng}, depend on it; it depends on neither.
 */
package org.liaison.media;
