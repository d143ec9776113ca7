package org.liaison.sip.backup;

import java.io.IOException;

/** A backup that cannot be made or an archive that will not be restored: one line for the admin, nothing written. */
public final class BackupProblem extends IOException {
    BackupProblem(String message) {
        super(message);
    }
}
