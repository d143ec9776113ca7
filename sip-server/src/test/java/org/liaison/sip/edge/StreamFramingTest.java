package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamFraming} as a filter, without sockets: over a stream cut anywhere, well-formed messages
 * reach the parser byte for byte, keep-alives too, and a malformed one (header block and body) does
 * not, its answer going back instead.
 */
class StreamFramingTest {
    private static final String HEADERS = "Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK1\r\nFrom: <sip:a@example.com>;tag=1\r\n"
            + "To: <sip:b@example.com>\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\n";

    @Test
    void aMalformedMessageIsLeftOutAndAnsweredWhateverTheChunks() throws Exception {
        String good = "MESSAGE sip:b@example.com SIP/2.0\r\n" + HEADERS + "Content-Length: 5\r\n\r\nhello";
        String bad = "MESSAGE sip:b@example.com SIP/7.0\r\n" + HEADERS + "Content-Length: 9\r\n\r\nnot\r\n\r\nme";
        String keepAlive = "\r\n\r\n";
        byte[] stream = (good + bad + keepAlive + good).getBytes(StandardCharsets.ISO_8859_1);
        for (int chunk : new int[] {1, 7, 64, stream.length}) {
            StreamFraming framing = new StreamFraming(4096, new ResponsesSent());
            List<String> answers = new ArrayList<>();
            ByteArrayOutputStream parsed = new ByteArrayOutputStream();
            for (int i = 0; i < stream.length; i += chunk) {
                byte[] piece = Arrays.copyOfRange(stream, i, Math.min(stream.length, i + chunk));
                parsed.writeBytes(framing.admit(piece, null,
                        response -> answers.add(new String(response, StandardCharsets.ISO_8859_1))));
            }
            assertEquals(good + keepAlive + good, parsed.toString(StandardCharsets.ISO_8859_1), "chunks of " + chunk);
            assertEquals(1, answers.size(), "chunks of " + chunk);
            assertTrue(answers.get(0).startsWith("SIP/2.0 505 Version Not Supported\r\nVia: SIP/2.0/TCP 192.0.2.1:5060"),
                    answers.get(0));
        }
    }
}
