package org.liaison.sip.config;

/**
 * A configuration problem that stops startup. The message is the one line an admin reads:
 * the file, the key and what is wrong, e.g.
 * {@code conf/liaison.properties: sip.udp.port: "abc" is not a port number (0-65535)}.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    static ConfigException forKey(String file, String key, String problem) {
        return new ConfigException(file + ": " + key + ": " + problem);
    }
}
