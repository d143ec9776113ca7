package org.liaison.sip.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.commons.configuration2.Configuration;

/**
 * Typed, validated reads of liaison.properties. Every read names its key and default, so the set
 * of keys read is the set of keys known: {@link #rejectUnknownKeys()} then refuses typos, which
 * would otherwise silently fall back to a default.
 */
final class ConfigReader {
    private final Configuration config;
    private final String fileName;
    private final Set<String> knownKeys = new HashSet<>();

    ConfigReader(Configuration config, String fileName) {
        this.config = config;
        this.fileName = fileName;
    }

    String fileName() {
        return fileName;
    }

    ConfigException problem(String key, String what) {
        return ConfigException.forKey(fileName, key, what);
    }

    /** The raw text of a key, trimmed, or {@code defaultValue} when absent. */
    String string(String key, String defaultValue) {
        knownKeys.add(key);
        if (!config.containsKey(key)) {
            return defaultValue;
        }
        // The list delimiter is disabled on the configuration, so this is the whole value.
        return config.getString(key, defaultValue).trim();
    }

    /** A non-empty string. */
    String requiredString(String key, String defaultValue) throws ConfigException {
        String value = string(key, defaultValue);
        if (value.isEmpty()) {
            throw problem(key, "must not be empty");
        }
        return value;
    }

    int integer(String key, int defaultValue, int min, int max) throws ConfigException {
        String text = string(key, Integer.toString(defaultValue));
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw problem(key, quoted(text) + " is not a whole number");
        }
        if (value < min || value > max) {
            throw problem(key, value + " is out of range (" + min + "-" + max + ")");
        }
        return value;
    }

    /** A count of bytes, which may pass 2 GiB (a quota). */
    long bytes(String key, long defaultValue, long min, long max) throws ConfigException {
        String text = string(key, Long.toString(defaultValue));
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw problem(key, quoted(text) + " is not a whole number of bytes");
        }
        if (value < min || value > max) {
            throw problem(key, value + " is out of range (" + min + "-" + max + ")");
        }
        return value;
    }

    /** A port number; 0 means the listener is off. */
    int port(String key, int defaultValue) throws ConfigException {
        String text = string(key, Integer.toString(defaultValue));
        try {
            int value = Integer.parseInt(text);
            if (value >= 0 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw problem(key, quoted(text) + " is not a port number (0-65535, 0 = off)");
    }

    Duration seconds(String key, long defaultSeconds, long min, long max) throws ConfigException {
        return Duration.ofSeconds(integer(key, (int) defaultSeconds, (int) min, (int) max));
    }

    Duration millis(String key, long defaultMillis, long min, long max) throws ConfigException {
        return Duration.ofMillis(integer(key, (int) defaultMillis, (int) min, (int) max));
    }

    boolean bool(String key, boolean defaultValue) throws ConfigException {
        String text = string(key, Boolean.toString(defaultValue));
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw problem(key, quoted(text) + " is not true or false");
        };
    }

    /** A comma-separated list; empty items are dropped. */
    List<String> list(String key, String defaultValue) {
        String text = string(key, defaultValue);
        List<String> items = new ArrayList<>();
        for (String item : text.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    /** A comma-separated list of items each parsed by {@code parse}, which returns null if invalid. */
    <T> List<T> list(String key, String defaultValue, String expected, Function<String, T> parse)
            throws ConfigException {
        List<T> values = new ArrayList<>();
        for (String item : list(key, defaultValue)) {
            T value = parse.apply(item);
            if (value == null) {
                throw problem(key, quoted(item) + " is not " + expected);
            }
            values.add(value);
        }
        return values;
    }

    /** A literal IPv4 or IPv6 address (never a host name: startup must not depend on DNS). */
    InetAddress address(String key, String defaultValue) throws ConfigException {
        String text = string(key, defaultValue);
        InetAddress address = parseAddressLiteral(text);
        if (address == null) {
            throw problem(key, quoted(text) + " is not an IPv4 or IPv6 address");
        }
        return address;
    }

    static InetAddress parseAddressLiteral(String text) {
        return IpLiteral.parse(text);
    }

    /** Keys present in the file that no setting reads: typos, or keys of another version. */
    void rejectUnknownKeys() throws ConfigException {
        Set<String> unknown = new TreeSet<>();
        for (Iterator<String> keys = config.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            if (!knownKeys.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw problem(first, "unknown key" + (unknown.size() > 1 ? " (also unknown: "
                    + String.join(", ", Arrays.copyOfRange(unknown.toArray(new String[0]), 1, unknown.size())) + ")" : "")
                    + "; see the shipped conf/liaison.properties for the keys");
        }
    }

    static String quoted(String text) {
        return "\"" + text + "\"";
    }
}
