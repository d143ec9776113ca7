package org.liaison.sip.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.FreePorts;

/**
 * The OCI image Jib builds ({@code mvn -B -Pimage -DskipTests package}, which .ci/run does before the tests): its
 * config runs as the unprivileged user with data.dir's volume, and, as root, the server started from its unpacked
 * layers as that user serves. Both through {@code packaging/image/check-image.sh}, the check admins run too.
 *
 * <p>Without the tarball the test is skipped on a developer machine and fails in CI ({@code CI} set), so a CI that
 * stopped building the image cannot pass by skipping.
 */
@Timeout(180)
class ImageTest {
    private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
    private static final Path IMAGE = HOME.resolve("sip-server/target/liaison-image.tar");
    private static final Path CHECK = HOME.resolve("packaging/image/check-image.sh");

    @TempDir
    Path work;

    @Test
    void configRunsAsTheUnprivilegedUserWithTheDataVolume() throws Exception {
        String output = check(List.of(), Map.of());
        assertTrue(output.contains("image config: User=65532:65532, volumes ['/var/lib/liaison']"), output);
    }

    @Test
    void serverStartedFromTheLayersAsThatUserServes() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "chroot and the /proc bind mount need root (CI runs as root)");
        int[] ports = {FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), FreePorts.udpAndTcp()};
        String output = check(List.of("--run"), Map.of(
                "IMAGE_TLS_PORT", Integer.toString(ports[0]),
                "IMAGE_HTTPS_PORT", Integer.toString(ports[1]),
                "IMAGE_ADMIN_PORT", Integer.toString(ports[2])));
        assertTrue(output.contains("the server started from the image as 65532:65532"), output);
        assertTrue(output.contains("serving sip domain liaison.local"), output);
        // data.dir was made in the volume by the server itself, so it belongs to the unprivileged user
        assertTrue(output.lines().anyMatch(line -> line.matches("d\\S+ +\\d+ 65532 65532 .* data")), output);
    }

    private String check(List<String> options, Map<String, String> environment) throws IOException, InterruptedException {
        if (!Files.isRegularFile(IMAGE)) {
            String message = IMAGE + " is missing: build it with mvn -B -Pimage -DskipTests package (as .ci/run does)";
            if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
                fail(message + "; CI is set, so this is a failure, not a skip");
            }
            Assumptions.abort(message);
        }
        List<String> command = new ArrayList<>(List.of("bash", CHECK.toString()));
        command.addAll(options);
        command.add(IMAGE.toString());
        Path log = Files.createTempFile(work, "check-image", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        // the script's own wait for the server is bounded (60 s); this bounds everything else
        if (!process.waitFor(150, TimeUnit.SECONDS)) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("check-image.sh did not finish in 150 s");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
