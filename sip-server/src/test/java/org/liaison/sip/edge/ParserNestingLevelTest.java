package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPMessage;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: JAIN-SIP's parser nesting level, a static int that parsers on several threads step up and down without
 * a lock, is held far below zero after every parse, where the throwaway StringBuilder it sizes stays empty.
 */
class ParserNestingLevelTest {
    @AfterEach
    void leaveTheLevelFarBelowZero() {
        ParserNestingLevel.set(ParserNestingLevel.FAR_BELOW_ZERO);
    }

    @Test
    void aLevelTheWorkersWalkedUpIsPutBackByTheNextParseWhichMakesTheSameMessage() throws ParseException {
        String expected = parse(StrictSyntaxBenchmark.REGISTER).encode();

        // where lost updates from racing workers can take it: every From, To, Contact and Authorization header then
        // builds a StringBuilder of this many characters, twice
        ParserNestingLevel.set(200_000);
        String parsedHigh = parse(StrictSyntaxBenchmark.REGISTER).encode();

        assertEquals(expected, parsedHigh);
        assertTrue(ParserNestingLevel.current() <= ParserNestingLevel.FAR_BELOW_ZERO / 2,
                "the level after the parse: " + ParserNestingLevel.current());
    }

    @Test
    void workersParsingAtOnceLeaveTheLevelFarBelowZero() throws Exception {
        ParserNestingLevel.set(0);
        ExecutorService workers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> parsing = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                parsing.add(workers.submit(() -> {
                    for (int i = 0; i < 5_000; i++) {
                        parse(i % 2 == 0 ? StrictSyntaxBenchmark.REGISTER : StrictSyntaxBenchmark.MESSAGE);
                    }
                    return null;
                }));
            }
            for (Future<?> worker : parsing) {
                worker.get();
            }
        } finally {
            workers.shutdownNow();
        }

        int level = ParserNestingLevel.current();
        assertTrue(level < ParserNestingLevel.FAR_BELOW_ZERO / 2, "the level after 20,000 parses on 4 threads: " + level);
    }

    private static SIPMessage parse(byte[] datagram) throws ParseException {
        return new EdgeMessageParser(null).parseSIPMessage(datagram, true, false, null);
    }
}
