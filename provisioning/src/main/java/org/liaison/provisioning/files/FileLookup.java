package org.liaison.provisioning.files;

import java.nio.file.Path;

/** The answer to a download link. */
public sealed interface FileLookup {
    /** The link works: {@code content} holds the file's bytes. */
    record Found(StoredFile file, Path content) implements FileLookup {
    }

    /** The link worked once and has passed its {@code until} (its file is, or will be, deleted). */
    record Expired() implements FileLookup {
    }

    /** No such link, ever, or one forgotten long after it expired. */
    record Unknown() implements FileLookup {
    }
}
