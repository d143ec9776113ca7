/**
 * The configuration: {@code LiaisonConfig} and one typed, validated record per part, read once from
 * {@code liaison.properties}; it depends only on {@code auth} (whose {@code AuthSettings} it reads), so every
 * other package may use it.
 */
package org.liaison.sip.config;
