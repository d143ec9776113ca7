/**
 * {@code bin/liaison install-service}: the systemd unit of packaging/systemd made to fit this installation
 * ({@code ServiceUnit}) and the user, directories and permissions it needs ({@code ServiceInstall}). Depends on
 * config only.
 */
package org.liaison.sip.service;
