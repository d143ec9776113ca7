package org.liaison.provisioning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes users.csv fixtures the way a careful tool would: whole, replaced atomically. */
final class UsersCsvFiles {
    static final String HEADER = "username,password,display_name,extension,groups";
    static final String REALM = "example.org";

    private UsersCsvFiles() {
    }

    /** Writes the header, then {@code rows}, one per line. */
    static Path withUsers(Path file, String... rows) {
        return replace(file, HEADER + "\n" + String.join("\n", rows) + "\n");
    }

    /** Replaces {@code file} with {@code text}, so a poller never sees it half written. */
    static Path replace(Path file, String text) {
        try {
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), "fixture", ".tmp");
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            return Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
