package org.liaison.provisioning;

import java.util.Objects;
import java.util.Optional;

/**
 * A group: a chat room {@code sip:<id>@domain} and an entry of the directory. Defined in
 * groups.csv, or only named in users.csv's groups column (then it takes the defaults: its id as
 * display name, no extension, visible to everyone).
 *
 * @param id          the user part of its SIP address, lower case
 * @param displayName shown in the directory; never empty
 * @param extension   a short number for the group, or empty
 * @param visibility  who sees the group, and its members, in the directory
 */
public record Group(String id, String displayName, Optional<String> extension, Visibility visibility) {
    /** Who sees a group in the directory. */
    public enum Visibility {
        /** Everyone: the default, the whole organisation sees the whole organisation. */
        EVERYONE,
        /**
         * Only its members. A person whose groups are all members-only is listed only to the
         * people who share one of those groups (a board, a crisis cell).
         */
        MEMBERS
    }

    public Group {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(visibility, "visibility");
    }

    /** A group named in users.csv that groups.csv does not define. */
    static Group named(String id) {
        return new Group(id, id, Optional.empty(), Visibility.EVERYONE);
    }
}
