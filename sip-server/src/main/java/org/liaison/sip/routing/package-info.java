/**
 * What to do with each request: {@code RequestRouter.route} (checks, in-dialog, authentication) and one
 * handler per method ({@code RegisterHandler}, {@code InviteHandler}, {@code MessageHandler},
 * {@code ForwardingHandler}, {@code InDialogHandler}), which decide and return an {@code Outcome}; it may
 * depend on {@code auth}, {@code registrar}, {@code proxy}, {@code media}, {@code messaging}, {@code cluster}
 * (to answer shared state being out of reach), {@code message} and {@code config}, and only {@code edge} and the wiring depend on it.
 */
package org.liaison.sip.routing;
