/**
 * Certificates from an ACME CA (RFC 8555; issue 15): the account, orders proved over HTTP-01, renewal, and handing
 * each certificate to {@link org.liaison.sip.tls.TlsCredentials}; the only package importing acme4j.
 */
package org.liaison.sip.tls.acme;
