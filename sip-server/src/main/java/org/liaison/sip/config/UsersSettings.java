package org.liaison.sip.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The admin's user list.
 *
 * @param file         users.csv, resolved against the configuration directory
 * @param groupsFile   groups.csv (optional file), resolved against the configuration directory
 * @param pollInterval how often the files are checked for edits
 */
public record UsersSettings(Path file, Path groupsFile, Duration pollInterval) {
    static UsersSettings from(ConfigReader r, Path configDir) throws ConfigException {
        Path file = configDir.resolve(r.requiredString("users.file", "users.csv"));
        Path groupsFile = configDir.resolve(r.requiredString("groups.file", "groups.csv"));
        Duration poll = r.millis("users.poll-interval-ms", 1000, 50, 60_000);
        return new UsersSettings(file, groupsFile, poll);
    }
}
