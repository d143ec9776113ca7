/**
 * {@code bin/liaison onboarding}: an enrolment link, QR code and printable page per user; it may depend on the
 * root package, {@code client} and {@code enrolment}.
 */
package org.liaison.provisioning.onboarding;
