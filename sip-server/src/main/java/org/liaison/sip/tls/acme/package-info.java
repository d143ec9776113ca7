/**
 * Certificates from an ACME CA (RFC 8555; issue 15): the account, orders proved over HTTP-01 or
 * TLS-ALPN-01 (RFC 8737), renewal, and handing each certificate to {@link org.liaison.sip.tls.TlsCredentials}; the
 * only package importing acme4j.
 */
package org.liaison.sip.tls.acme;
