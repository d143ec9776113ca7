/**
 * The append-only, CRC-framed {@code Journal} the embedded stores write; it depends on nothing else of ours.
 */
package org.liaison.sip.store;
