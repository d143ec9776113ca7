/**
 * The rtpengine "ng" control protocol (bencode over UDP): a server that lets another SIP server drive this relay,
 * and a {@code MediaRelay} that drives a relay elsewhere; it depends only on the root package.
 */
package org.liaison.media.ng;
