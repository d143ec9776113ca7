/**
 * One-time enrolment tokens, kept only as hashes: {@code EnrolmentTokenStore} is what a store does, {@code
 * EnrolmentTokens} keeps them in the data directory (sip-server implements the store in Redis for a cluster). It
 * depends only on the root package.
 */
package org.liaison.provisioning.enrolment;
