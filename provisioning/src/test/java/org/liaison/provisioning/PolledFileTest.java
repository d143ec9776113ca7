package org.liaison.provisioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolledFileTest {
    @TempDir
    Path dir;

    @Test
    void anAbsentFileIsNotReadAgainUntilItAppears() throws Exception {
        PolledFile groups = new PolledFile(dir.resolve("groups.csv"));
        assertThrows(NoSuchFileException.class, groups::read);

        assertFalse(groups.mayHaveChanged(), "an absent optional file would be read on every poll");

        Files.writeString(dir.resolve("groups.csv"), "group,display_name,extension,visibility\n");

        assertTrue(groups.mayHaveChanged());
        assertArrayEquals(Files.readAllBytes(dir.resolve("groups.csv")), groups.read().bytes());
    }
}
