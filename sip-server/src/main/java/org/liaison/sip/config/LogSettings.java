package org.liaison.sip.config;

import java.util.Locale;

/**
 * How the server writes its log on standard output (journald or the container runtime keeps it).
 *
 * @param format {@code text} (the default): one line per event as logback.xml's pattern, which conf/fail2ban reads;
 *               {@code json}: one JSON object per line with {@code time}, {@code level}, {@code logger},
 *               {@code thread}, {@code message} and, when there is one, {@code exception}, for log collectors
 */
public record LogSettings(Format format) {

    public enum Format { TEXT, JSON }

    static LogSettings from(ConfigReader r) throws ConfigException {
        String format = r.string("log.format", "text");
        return new LogSettings(switch (format.toLowerCase(Locale.ROOT)) {
            case "text" -> Format.TEXT;
            case "json" -> Format.JSON;
            default -> throw r.problem("log.format", ConfigReader.quoted(format) + " is not text or json");
        });
    }
}
