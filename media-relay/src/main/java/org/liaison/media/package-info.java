/**
 * The media relay's public face: the {@code MediaRelay} interface the SIP server drives (offer, answer, delete in
 * rtpengine's ng vocabulary), its configuration and statistics; it knows no SIP. (Its factory
 * {@code MediaRelay.start} names the implementations in {@code ng} and {@code relay}, which depend on this package:
 * the one package cycle left in the project.)
 */
package org.liaison.media;
