/**
 * The organisation's directory of people and groups and its formats (vCard, Yealink, Cisco); it depends only on
 * the root package.
 */
package org.liaison.provisioning.directory;
