/**
 * One-time enrolment tokens, kept only as hashes in the data directory; it depends only on the root package.
 */
package org.liaison.provisioning.enrolment;
