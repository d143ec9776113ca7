package org.liaison.provisioning.files;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where shared files live and how much of them a user may keep.
 *
 * @param directory         {@code data.dir/files}: the files, their metadata and {@code incoming/}
 * @param maxBytes          the largest file accepted ({@code files.max-bytes})
 * @param expiry            how long a download link works ({@code files.expiry-days})
 * @param quotaPerUserBytes the bytes of live files one user may have at once ({@code files.quota-per-user-bytes})
 * @param sharedByNodes     whether other nodes of a cluster may keep files in {@code directory} too (cluster mode:
 *                          the admin mounts one directory there on every node so that any node serves any link)
 */
public record FileSharingSettings(Path directory, long maxBytes, Duration expiry, long quotaPerUserBytes,
        boolean sharedByNodes) {
    public FileSharingSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(expiry, "expiry");
        if (maxBytes <= 0 || quotaPerUserBytes <= 0 || expiry.isNegative() || expiry.isZero()) {
            throw new IllegalArgumentException("file sharing limits must be positive");
        }
    }
}
