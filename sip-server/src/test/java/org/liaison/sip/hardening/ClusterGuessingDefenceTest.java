package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.redis.RedisPerClass;
import org.liaison.sip.testing.SipText;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 10 item 4: two nodes sharing one real redis-server have ONE guessing defence, with the shipped limits. A
 * guesser who spreads its guesses over the nodes gets the budget of one machine, a block set through one node holds
 * on the other, and an office behind one address, its phones spread over both nodes, keeps working next to a phone
 * that retries a wrong password on each node in turn.
 */
@Timeout(180)
class ClusterGuessingDefenceTest {
    @RegisterExtension
    static final RedisPerClass redis = RedisPerClass.durable();

    @TempDir
    Path root;
    private final List<TestServer> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        nodes.forEach(TestServer::close);
    }

    private TestServer node(String name, TestServer.Builder builder) throws Exception {
        TestServer node = builder.property("cluster.redis-uri", redis.uri())
                .property("cluster.node-uri", "sip:127.0.0.1;transport=udp").start(root.resolve(name));
        nodes.add(node);
        return node;
    }

    @Test
    void aGuesserSpreadingOverTwoNodesGetsTheBudgetOfOneAndIsBlockedOnBoth() throws Exception {
        TestServer nodeA = node("a", TestServer.builder().user("alice", "alice-secret", "1001"));
        TestServer nodeB = node("b", TestServer.builder().user("alice", "alice-secret", "1001"));
        try (TestUa onA = new TestUa("alice", nodeA); TestUa onB = new TestUa("alice", nodeB)) {
            List<Integer> answers = new ArrayList<>();
            for (int guess = 0; guess < 14; guess++) {
                answers.add((guess % 2 == 0 ? onA : onB).register("guess-" + guess, "").status());
            }
            List<Integer> oneMachine = new ArrayList<>(Collections.nCopies(10, 401));
            oneMachine.addAll(Collections.nCopies(4, 403));
            assertEquals(oneMachine, answers, "A and B in turn: ten guesses checked in all, as on one machine");

            for (TestUa guesser : List.of(onA, onB)) {
                SipText right = guesser.register("alice-secret", "");
                assertEquals(403, right.status(), "the block holds on both nodes, the password unchecked: " + right);
                int retryAfter = Integer.parseInt(right.header("retry-after").orElseThrow().trim());
                assertTrue(retryAfter > 500 && retryAfter <= 600, right.toString());
            }
        }
    }

    @Test
    void anOfficeSpreadOverTwoNodesKeepsWorkingNextToAPhoneWithAWrongPassword() throws Exception {
        TestServer nodeA = node("a", OfficeWorkday.accounts(TestServer.builder()));
        TestServer nodeB = node("b", OfficeWorkday.accounts(TestServer.builder()));

        Map<Integer, Integer> misconfiguredAnswers = OfficeWorkday.run(List.of(nodeA, nodeB), Duration.ofSeconds(15));

        assertEquals(10, misconfiguredAnswers.get(401), "10 wrong passwords checked on the two nodes together: "
                + misconfiguredAnswers);
        assertTrue(misconfiguredAnswers.getOrDefault(403, 0) > 10, "then refused: " + misconfiguredAnswers);
    }
}
