package org.liaison.provisioning.directory;

import java.util.Objects;
import java.util.Optional;

/**
 * One line of the directory: a person or a group, as every format shows it.
 *
 * @param kind       a person or a group
 * @param id         the username or group id, the user part of {@link #sipAddress}
 * @param name       the display name, or the id when the admin gave none
 * @param extension  the short number, when there is one
 * @param sipAddress {@code sip:<id>@<domain>}
 */
public record DirectoryEntry(Kind kind, String id, String name, Optional<String> extension, String sipAddress) {
    /** What an entry stands for; vCard lists say it with {@code KIND}. */
    public enum Kind {
        PERSON, GROUP
    }

    public DirectoryEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(sipAddress, "sipAddress");
    }

    /** What a desk phone dials to reach the entry: the extension, else the id (our domain is the phone's). */
    public String number() {
        return extension.orElse(id);
    }
}
