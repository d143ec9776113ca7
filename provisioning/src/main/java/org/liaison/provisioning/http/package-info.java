/**
 * The HTTPS provisioning service (Netty): client configurations by one-time link or digest-signed refresh, desk
 * phone files and the directory; it may depend on the root package, {@code client}, {@code directory} and
 * {@code enrolment}.
 */
package org.liaison.provisioning.http;
