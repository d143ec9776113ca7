/**
 * The log's format ({@code log.format}): logback.xml's text lines, or JSON lines ({@code JsonLineEncoder}) swapped in
 * by {@code LogFormat.apply} once the configuration is read. Depends on config and logback only.
 */
package org.liaison.sip.logging;
