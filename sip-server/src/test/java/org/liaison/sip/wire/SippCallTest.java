package org.liaison.sip.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.liaison.sip.testing.LiaisonServer;
import org.liaison.sip.testing.TestServer;

/**
 * Calls through the proxy between SIPp user agents (RFC 3261 §16): a caller authenticated by a
 * 407 challenge, callees registered from the port they answer on, in-dialog requests along the
 * recorded route, and forking to every device of the callee with CANCEL of the losing branches.
 */
@Timeout(60)
class SippCallTest {
    private static final Duration LIMIT = Duration.ofSeconds(25);

    @TempDir
    Path root;
    @RegisterExtension
    final LiaisonServer liaison = LiaisonServer.started(SippServers.builder().user("alice", "alice-secret", "1001")
            .user("bob", "bob-secret", "1002"));

    @BeforeEach
    void requireSipp() {
        Tools.require("sipp");
    }

    @Test
    void aCallThroughTheProxyIsChallengedAnsweredAndHungUpAlongTheRecordedRoute() throws Exception {
        int phone = registerDevice("bob", "bob-secret", "phone");
        Sipp.Run callee = start(Sipp.scenario("uas-answer.xml").named("bob-phone").localPort(phone));

        Sipp.Result caller = call("alice", "alice-secret", "bob");

        caller.assertAllSucceeded(1);
        callee.await().assertAllSucceeded(1);
        List<SipLog.Message> seen = SipLog.parseSippMessages(caller.messages());
        assertEquals(1, SipLog.responses(seen, 407).size(), "the first INVITE is challenged by the proxy");
        List<SipLog.Message> calleeSaw = SipLog.parseSippMessages(callee.messages());
        SipLog.Message invite = requests(calleeSaw, "INVITE").get(0);
        assertEquals(1, invite.values("record-route").size(), "the proxy record-routes: " + invite);
        assertEquals(1, requests(calleeSaw, "BYE").size(), "the BYE reached the callee");
    }

    /**
     * The proxy consumes the credentials of its own realm (RFC 3261 §22.3 allows it; Kamailio's
     * consume_credentials): forwarded, they would give the callee the caller's digest response,
     * enough for an offline dictionary attack on the caller's password.
     */
    @Test
    void theCalleeDoesNotReceiveTheCallersDigestCredentials() throws Exception {
        int phone = registerDevice("bob", "bob-secret", "phone");
        Sipp.Run callee = start(Sipp.scenario("uas-answer.xml").named("bob-phone").localPort(phone));

        call("alice", "alice-secret", "bob").assertAllSucceeded(1);

        Sipp.Result answered = callee.await().assertAllSucceeded(1);
        SipLog.Message invite = requests(SipLog.parseSippMessages(answered.messages()), "INVITE").get(0);
        assertEquals(List.of(), invite.values("proxy-authorization"), "credentials forwarded to the callee");
    }

    @Test
    void aCallToAUserWithTwoDevicesIsAnsweredOnOneAndCancelledOnTheOther() throws Exception {
        int phone = registerDevice("bob", "bob-secret", "phone");
        int laptop = registerDevice("bob", "bob-secret", "laptop");
        assertEquals(2, liaison.server().server().locations().lookup("bob").size(), "two devices, two bindings");
        Sipp.Run answering = start(Sipp.scenario("uas-answer.xml").named("bob-phone").localPort(phone));
        Sipp.Run ringing = start(Sipp.scenario("uas-ring.xml").named("bob-laptop").localPort(laptop));

        Sipp.Result caller = call("alice", "alice-secret", "bob");

        caller.assertAllSucceeded(1);
        answering.await().assertAllSucceeded(1);
        Sipp.Result cancelled = ringing.await().assertAllSucceeded(1);
        // RFC 3261 §16.7 step 10: the 2xx ends the other branch with a CANCEL
        assertEquals(1, requests(SipLog.parseSippMessages(cancelled.messages()), "CANCEL").size());
        assertTrue(SipLog.parseSippMessages(caller.messages()).stream()
                .noneMatch(m -> m.isResponse() && m.status() == 487), "the caller must not see the cancelled branch");
    }

    private int registerDevice(String user, String password, String device) throws Exception {
        return SippServers.registerDevice(liaison.server(), root, user, password, device, LIMIT);
    }

    private Sipp.Run start(Sipp.Builder uas) throws Exception {
        return liaison.own(uas.in(root).calls(1).timeout(LIMIT).start());
    }

    private Sipp.Result call(String caller, String password, String callee) throws Exception {
        Sipp.Run uac = start(Sipp.scenario("call-uac.xml").named(caller + "-calls-" + callee)
                .to(liaison.server().host(), liaison.server().port())
                .injection(Sipp.injectionFile(root.resolve(caller + "-calls.csv"),
                        List.of(caller + ";" + Sipp.authentication(caller, password) + ";" + callee)))
                .key("domain", TestServer.DOMAIN));
        return uac.await();
    }

    private static List<SipLog.Message> requests(List<SipLog.Message> messages, String method) {
        return messages.stream().filter(m -> m.startLine().startsWith(method + " ")).toList();
    }
}
