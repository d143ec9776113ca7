package org.liaison.sip.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 3261 §16.7 step 6, as BestResponse applies it. */
class BestResponseTest {
    private static int best(Integer... statuses) {
        List<Integer> list = List.of(statuses);
        return list.get(BestResponse.choose(list));
    }

    @Test
    void aGlobalFailureWinsOverEverything() {
        assertEquals(603, best(486, 603, 408));
    }

    @Test
    void theLowestClassWins() {
        assertEquals(302, best(486, 302, 503));
    }

    @Test
    void busyBeatsADeviceThatNeverAnswered() {
        assertEquals(486, best(408, 486));
        assertEquals(486, best(480, 486));
    }

    @Test
    void aChallengeIsPreferredWithinItsClass() {
        assertEquals(407, best(404, 407, 486));
    }

    @Test
    void serverErrorsLoseToClientErrors() {
        assertEquals(480, best(500, 480));
    }

    @Test
    void cancelledCallsReport487() {
        assertEquals(487, best(487, 408));
    }
}
