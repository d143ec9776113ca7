/**
 * The server's TLS identity: its certificate and key, the private CA, reloading; the only package that
 * imports Bouncy Castle, and it depends on {@code config} only.
 */
package org.liaison.sip.tls;
