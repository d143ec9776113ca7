package org.liaison.sip.backup;

import java.time.Instant;

/**
 * What a backup holds, for the command to tell the admin.
 *
 * @param created when the backup started
 * @param files   how many files of data.dir it holds
 * @param bytes   their total length
 */
public record Archived(Instant created, int files, long bytes) {
    static Archived of(BackupManifest manifest) {
        return new Archived(manifest.created(), manifest.files().size(), manifest.totalBytes());
    }
}
