/**
 * Liaison's SIP server: {@code SipServerMain} (command line) and {@code SipServer}, the one class that wires
 * every other package together; it may depend on all of them, and none depends on it.
 */
package org.liaison.sip;
