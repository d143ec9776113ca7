/**
 * Chat (SIP MESSAGE, RFC 3428) on top of the im module's store: storing what no device took, delivering it
 * as devices register, posting to groups; it may depend on {@code proxy} (only its {@code Originator}),
 * {@code registrar} and {@code message}.
 */
package org.liaison.sip.messaging;
