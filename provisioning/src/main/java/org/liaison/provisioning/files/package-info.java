/**
 * Files users share in chats (RCS File Transfer over HTTP, as liblinphone does it): the store under
 * {@code data.dir/files}, keyed by the SHA-256 of a 256-bit capability token, with per-user quota and
 * expiry, and the {@code application/vnd.gsma.rcs-ft-http+xml} file-info document that answers an
 * upload. It may depend on the root package only; the HTTP side is in {@code http}.
 */
package org.liaison.provisioning.files;
