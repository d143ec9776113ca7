/**
 * The edge: the JAIN-SIP stack, its listening points, the transport guards and the single {@code SipListener}
 * ({@code SipEdge}) that hands requests to the router and carries out its outcome; it may depend on
 * {@code routing}, {@code proxy}, {@code message} and {@code config}, and only the wiring depends on it.
 */
package org.liaison.sip.edge;
