package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.javax.sip.message.SIPMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sip.header.Header;
import org.junit.jupiter.api.Test;

/**
 * A sender that puts fresh header names in every datagram must not grow JAIN-SIP's static cache of header names
 * (and with it the heap) without end; and messages parsed before the cache was trimmed still find their headers.
 */
class HeaderNamesBoundTest {
    private static final int NAMES_PER_MESSAGE = 20;

    @Test
    void freshHeaderNamesInEveryMessageKeepTheStacksNameCacheBounded() throws Exception {
        EdgeMessageParser parser = new EdgeMessageParser(null);
        Random random = new Random(12);
        List<SIPMessage> kept = new ArrayList<>();
        List<String> keptNames = new ArrayList<>();
        int largest = 0;
        // 40,000 distinct names, each in two spellings: ~80,000 cache entries if nothing bounded it
        for (int i = 0; i < 2_000; i++) {
            List<String> names = new ArrayList<>();
            for (int n = 0; n < NAMES_PER_MESSAGE; n++) {
                names.add("X-Flood-" + Long.toHexString(random.nextLong()));
            }
            SIPMessage message = parser.parseSIPMessage(options(names), true, false, null);
            largest = Math.max(largest, HeaderNamesBound.size());
            if (i % 500 == 0) {
                kept.add(message);
                keptNames.add(names.get(0));
            }
        }
        assertTrue(largest <= HeaderNamesBound.LIMIT, "the cache reached " + largest + " names");
        for (int k = 0; k < kept.size(); k++) {
            String name = keptNames.get(k);
            Header header = kept.get(k).getHeader(name.toLowerCase());
            assertEquals(name + ": v", header.toString().trim(), "a header of a message parsed before a trim");
        }
    }

    private static byte[] options(List<String> extraHeaders) {
        StringBuilder text = new StringBuilder("OPTIONS sip:liaison.local SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK-flood\r\n"
                + "From: <sip:alice@liaison.local>;tag=1\r\nTo: <sip:liaison.local>\r\n"
                + "Call-ID: flood@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n");
        for (String name : extraHeaders) {
            text.append(name).append(": v\r\n");
        }
        return text.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }
}
