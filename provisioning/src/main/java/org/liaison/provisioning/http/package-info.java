/**
 * The HTTPS provisioning service (Netty): client configurations by one-time link or digest-signed refresh, desk
 * phone files, the directory and files shared in chats ({@code /files}); it may depend on the root package,
 * {@code client}, {@code directory}, {@code enrolment} and {@code files}.
 */
package org.liaison.provisioning.http;
