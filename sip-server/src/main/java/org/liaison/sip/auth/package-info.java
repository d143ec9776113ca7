/**
 * SIP digest authentication: {@link org.liaison.sip.auth.DigestAuthenticator} issues challenges and verifies the
 * credentials that answer them, against the account directory.
 *
 * <p>How a request's credentials are judged, in order ({@code DigestAuthenticator.verify}):
 * <ol>
 * <li>The (source, username) pair or the whole source blocked, or the username slowed down and not yet due another
 * try, unless the device ({@link org.liaison.sip.auth.Origin}) authenticated from there before: {@code Blocked},
 * without looking at the password ({@code AuthFailureLimiter}). Not a failure.</li>
 * <li>Another realm, an algorithm we did not offer, no qop=auth, a malformed nonce-count: {@code Rejected}.</li>
 * <li>A digest that the account's HA1 does not produce, or an unknown username (a stand-in HA1 does the same
 * work): {@code Rejected}. Every {@code Rejected} counts as a failure.</li>
 * <li>The digest is right but the nonce is not one of ours (forged, from before a restart, or another cluster
 * node's), has expired, or comes with a nonce-count not above the last one accepted (a replay): {@code Stale},
 * answered with stale=TRUE. Not a failure: the client proved it knows the password. A forged nonce with a wrong
 * digest stops at step 3.</li>
 * <li>Otherwise {@code Authenticated}.</li>
 * </ol>
 *
 * <p>Nonces carry their issue time and an HMAC ({@code NonceService}), so nothing is stored per challenge; only
 * nonces that authenticated a request are remembered, with their highest nonce-count ({@code NonceCounts}).
 *
 * <p>It depends on the provisioning module's account directory and, of sip-server, on {@code config} only (its
 * {@code AuthSettings}).
 */
package org.liaison.sip.auth;
