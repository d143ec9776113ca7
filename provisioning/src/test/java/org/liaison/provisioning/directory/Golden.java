package org.liaison.provisioning.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Expected outputs kept as files next to the tests, compared exactly. */
final class Golden {
    private Golden() {
    }

    static void assertMatches(String resource, String actual) {
        assertEquals(read(resource), actual, "differs from the golden file " + resource);
    }

    private static String read(String resource) {
        try (InputStream in = Golden.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no golden file " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
