package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The external programs these tests drive (sipp, linphonec, baresip). On a developer machine
 * without them the tests are skipped; in CI (environment variable {@code CI} set) a missing program
 * fails the test, so a broken CI image cannot pass by skipping everything.
 */
final class Tools {
    private Tools() {
    }

    /** The absolute path of {@code name} on the PATH, or the test is skipped (failed in CI). */
    static Path require(String name) {
        Optional<Path> found = onPath(name);
        if (found.isPresent()) {
            return found.get();
        }
        String message = name + " is not installed (Debian: see .ci/run for the packages)";
        if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
            fail(message + "; CI is set, so this is a failure, not a skip");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
