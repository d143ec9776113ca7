package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.FreePorts;
import org.liaison.sip.testing.TestServer;

/**
 * Issue 5, against the scanners people really use (Debian package sipvicious): {@code svwar}
 * enumerates no user, by extension or by name, whatever method it tries; {@code svcrack} does not
 * find a password it has in its dictionary once the source is blocked, while without the block
 * (threshold above the dictionary) it does find it, so the tool does work against this server.
 */
@Timeout(120)
class SipviciousTest {
    private static final String PASSWORD = "sunshine";

    @TempDir
    Path root;

    @Test
    void svwarFindsNoExtensionAndNoUsername() throws Exception {
        Path svwar = Tools.require("svwar");
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001")
                .user("bob", "bob-secret", "1002").start(root.resolve("server"))) {
            Path names = Files.write(root.resolve("names.txt"), List.of("admin", "alice", "bob", "carol", "1001"));
            // --force: without it svwar gives up at once, as every name gets the same challenge
            for (String method : List.of("REGISTER", "INVITE", "OPTIONS")) {
                String byExtension = run(svwar, "--force", "-e1000-1010", "-m", method, target(server));
                assertFoundNothing(byExtension, method);
                String byName = run(svwar, "--force", "-d", names.toString(), "-m", method, target(server));
                assertFoundNothing(byName, method);
            }
        }
    }

    @Test
    void svcrackIsBlockedAfterTheThresholdBeforeReachingTheRightPassword() throws Exception {
        Path svcrack = Tools.require("svcrack");
        // the right password comes 30th; svcrack guesses one user from one source, so the shipped threshold of 10
        // failures per (source, username) stops it (issue 11), the per-source one (100) being far above
        Path dictionary = dictionary(30);
        try (TestServer server = md5Server("server-blocking", Map.of())) {
            String output = run(svcrack, "-u", "alice", "--domain", TestServer.DOMAIN, "-d", dictionary.toString(),
                    target(server));
            assertFalse(output.contains(PASSWORD), "svcrack found the password:\n" + output);
        }
        // control: with a threshold above the dictionary, the same run finds it
        try (TestServer server = md5Server("server-lenient", Map.of("auth.max-failures-per-source-user", "1000",
                "auth.max-failures-per-source", "1000", "auth.max-failures-per-user", "100000"))) {
            String output = run(svcrack, "-u", "alice", "--domain", TestServer.DOMAIN, "-d", dictionary.toString(),
                    target(server));
            assertTrue(output.contains(PASSWORD), "svcrack does not work against this server at all:\n" + output);
        }
    }

    /**
     * svcrack 0.3.3 knows MD5 only and crashes on the shipped configuration's first challenge
     * (SHA-256), so the server offers MD5 alone here: the attack at its most favourable.
     */
    private TestServer md5Server(String name, Map<String, String> limits) throws Exception {
        TestServer.Builder builder = TestServer.builder().user("alice", PASSWORD, "1001")
                .property("auth.algorithms", "MD5");
        limits.forEach(builder::property);
        return builder.start(root.resolve(name));
    }

    private Path dictionary(int rightOne) throws Exception {
        List<String> words = new ArrayList<>(IntStream.range(1, 40).mapToObj(i -> "guess" + i).toList());
        words.set(rightOne - 1, PASSWORD);
        return Files.write(root.resolve("passwords.txt"), words);
    }

    private static String target(TestServer server) {
        return "udp://" + server.host() + ":" + server.port();
    }

    /** svwar ends with "found nothing", or with a table of what it found. */
    private static void assertFoundNothing(String output, String method) {
        assertTrue(output.contains("found nothing") && !output.contains("| Extension"),
                method + ": svwar found a user:\n" + output);
    }

    /** Runs a sipvicious tool from a free loopback port of its own (by default it takes 5060). */
    private String run(Path tool, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool.toString(), "-b", "127.0.0.1", "-P",
                Integer.toString(FreePorts.udpAndTcp())));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile(root, tool.getFileName().toString(), ".out");
        // HOME: sipvicious keeps session state in ~/.sipvicious
        try (ChildProcess process = ChildProcess.start(tool.getFileName().toString(), command, root, output,
                Map.of("HOME", root.toString()))) {
            OptionalInt exit = process.awaitExit(Duration.ofSeconds(40));
            assertTrue(exit.isPresent(), tool + " did not finish:\n" + process.outputText());
            System.out.println(String.join(" ", command) + "\n" + process.outputText());
            return process.outputText();
        }
    }
}
