package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 11: under the guessing defence an unknown username is answered exactly like a known one, try after try:
 * same statuses (the refusal starts after the same number of failures), same header names and shapes, and the same
 * time to answer (medians within 20 %). The two series are interleaved so that a busy CPU slows both alike.
 */
@Timeout(120)
class IndistinguishableUsersTest {
    private static final int TRIES = 50;

    @TempDir
    Path root;

    /** One series of tries: the shape of each answer, and how long each took. */
    private record Series(List<String> shapes, List<Long> nanos) {
        Series() {
            this(new ArrayList<>(), new ArrayList<>());
        }

        long median() {
            List<Long> sorted = nanos.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }

    @Test
    void knownAndUnknownUsersAreAnsweredAlikeOverFiftyTries() throws Exception {
        try (TestServer server = TestServer.builder().user("alice", "alice-secret", "1001").start(root);
                TestUa known = new TestUa("alice", server);
                TestUa unknown = new TestUa("mallory", server)) {
            Series alice = new Series();
            Series mallory = new Series();
            for (int i = 0; i < TRIES; i++) {
                // alternate which goes first, so that neither is always the one after a pause
                boolean aliceFirst = i % 2 == 0;
                tryOnce(aliceFirst ? known : unknown, aliceFirst ? alice : mallory, i);
                tryOnce(aliceFirst ? unknown : known, aliceFirst ? mallory : alice, i);
            }
            assertEquals(alice.shapes(), mallory.shapes());
            assertTrue(alice.shapes().get(0).startsWith("401 "), alice.shapes().get(0));
            assertTrue(alice.shapes().get(TRIES - 1).startsWith("403 "), alice.shapes().get(TRIES - 1));
            long a = alice.median();
            long m = mallory.median();
            assertTrue(Math.abs(a - m) <= 0.2 * Math.max(a, m), "median answer times: alice " + a + " ns, mallory "
                    + m + " ns");
        }
    }

    /** REGISTER, its challenge answered with a wrong password: the shape of the answer and its time are recorded. */
    private static void tryOnce(TestUa ua, Series series, int i) throws Exception {
        String request = ua.registerRequest(UUID.randomUUID().toString(), 3600, "");
        ua.send(request.replace("{auth}", ""));
        SipText challenge = ua.awaitResponse("REGISTER", 200);
        String answer = ua.answering(request, challenge, "guess-" + i);
        long start = System.nanoTime();
        ua.send(answer);
        SipText response = ua.awaitResponse("REGISTER", 200);
        series.nanos().add(System.nanoTime() - start);
        series.shapes().add(shape(response));
    }

    /** Status, reason, header names, and the values with what differs per request (nonce, tags, ...) taken out. */
    private static String shape(SipText response) {
        StringBuilder b = new StringBuilder(response.startLine().substring("SIP/2.0 ".length()));
        for (var header : response.headers()) {
            String name = header.getKey().toLowerCase(java.util.Locale.ROOT);
            String value = switch (name) {
                case "www-authenticate" -> header.getValue().replaceAll("(nonce|opaque)=\"[^\"]*\"", "$1");
                case "retry-after" -> header.getValue().replaceAll("\\d+", "N");
                case "via", "from", "to", "call-id", "cseq" -> "";
                default -> header.getValue();
            };
            b.append('|').append(name).append(": ").append(value);
        }
        return b.toString();
    }
}
