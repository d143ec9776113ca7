package org.liaison.sip;

import java.io.IOException;
import java.nio.file.Path;

/** Another Liaison server runs on this data directory: {@code bin/liaison serve} says so in one line and exits 2. */
public final class DataDirInUse extends IOException {
    DataDirInUse(Path dataDir, Path lockFile) {
        super("data.dir " + dataDir + " is in use by another Liaison server (lock file " + lockFile + ")");
    }
}
