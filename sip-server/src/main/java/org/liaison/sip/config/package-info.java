/**
 * The configuration: {@code LiaisonConfig} and one typed, validated record per part, read once from
 * {@code liaison.properties}; it depends on nothing else of sip-server, so every other package may use it.
 */
package org.liaison.sip.config;
