/**
 * The admin's commands on users.csv ({@code bin/liaison users ...}: add, remove, disable, bulk import from an HR
 * export); it depends only on the root package.
 */
package org.liaison.provisioning.admin;
