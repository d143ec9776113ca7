/**
 * What a client is configured with: the Linphone XML file, desk phone templates, the SIP endpoint and
 * provisioning URLs; it depends only on the root package.
 */
package org.liaison.provisioning.client;
