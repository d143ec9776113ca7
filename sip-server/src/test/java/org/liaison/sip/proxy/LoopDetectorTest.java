package org.liaison.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javax.sip.message.Request;
import org.junit.jupiter.api.Test;
import org.liaison.sip.message.SipFactories;

/** The branches the proxy makes: which of them no transaction waits for (their responses skip JAIN-SIP's search). */
class LoopDetectorTest {
    private static final SipFactories SIP = SipFactories.create();

    @Test
    void aRetransmissionIsRelayedWithTheSameBranchAndAnotherRequestWithAnother() throws Exception {
        String branch = LoopDetector.statelessBranch(message("z9hG4bK-1", 1));

        assertEquals(branch, LoopDetector.statelessBranch(message("z9hG4bK-1", 1)));
        assertNotEquals(branch, LoopDetector.statelessBranch(message("z9hG4bK-2", 2)));
        assertTrue(LoopDetector.isStatelessBranch(branch), branch);
    }

    @Test
    void aBranchWithATransactionOrNotOursIsNotTakenForARelayedOne() throws Exception {
        String prefix = LoopDetector.branchPrefix(message("z9hG4bK-1", 1));

        assertFalse(LoopDetector.isStatelessBranch(prefix + "1f"), "a forwarded copy's branch");
        assertFalse(LoopDetector.isStatelessBranch(prefix + "o"), "an originated request's branch");
        assertFalse(LoopDetector.isStatelessBranch(prefix), "a prefix alone");
        assertFalse(LoopDetector.isStatelessBranch("z9hG4bK" + prefix.substring(LoopDetector.BRANCH_MARK.length())
                + "s1"), "a phone's branch");
        assertFalse(LoopDetector.isStatelessBranch(null));
    }

    private static Request message(String branch, int cseq) throws Exception {
        return SIP.messages().createRequest("MESSAGE sip:bob@example.org SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=" + branch + "\r\n"
                + "From: <sip:alice@example.org>;tag=a1\r\n"
                + "To: <sip:bob@example.org>\r\n"
                + "Call-ID: c1@127.0.0.1\r\n"
                + "CSeq: " + cseq + " MESSAGE\r\n"
                + "Max-Forwards: 70\r\n"
                + "Content-Length: 0\r\n\r\n");
    }
}
