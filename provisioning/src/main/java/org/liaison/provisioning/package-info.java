/**
 * Accounts, groups and devices from the admin's files (users.csv, groups.csv, devices.csv), reloaded while the
 * server runs, and the {@code AccountDirectory} the SIP server reads; it depends on none of its sub-packages and on
 * no other Liaison module.
 */
package org.liaison.provisioning;
