/**
 * The SIP side of the media relay: which message offers, answers or ends which relayed call
 * ({@code MediaAnchor}) and the media policy; it depends on the media-relay module's interface, {@code message}
 * and {@code config} only.
 */
package org.liaison.sip.media;
