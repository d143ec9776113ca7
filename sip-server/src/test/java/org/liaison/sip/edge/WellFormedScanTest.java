package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link WellFormedScan}, the byte scan in front of {@link StrictSyntax}'s exact check: it vouches
 * for what real clients send without allocating, and never for a message the exact check refuses,
 * on StrictSyntaxTest's RFC 4475 / RFC 5118 cases and on thousands of mutations of them.
 */
class WellFormedScanTest {
    private static final String REGISTER = "REGISTER sip:bench.local SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1768-1-0;rport\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:u0001@bench.local>;tag=1768r1\r\nTo: <sip:u0001@bench.local>\r\n"
            + "Call-ID: 1-1768@127.0.0.1\r\nCSeq: 2 REGISTER\r\nContact: <sip:u0001@127.0.0.1:5061>;expires=3600\r\n"
            + "Authorization: Digest username=\"u0001\",realm=\"bench.local\",uri=\"sip:bench.local\","
            + "nonce=\"AAAAAZPx7cQ0Q1Yk\",response=\"0b3d62b6d7e7d1d3c1f0c0b9a8e7d6c5\",algorithm=MD5\r\n"
            + "Expires: 3600\r\nUser-Agent: sipp\r\nContent-Length: 0\r\n\r\n";
    private static final String MESSAGE = "MESSAGE sip:u0002@bench.local SIP/2.0\r\n"
            + "v: SIP/2.0/UDP liaison.example.com;branch=z9hG4bKproxy1, SIP/2.0/TCP 192.0.2.7:40522 ;received=192.0.2.7;rport=40522\r\n"
            + "Max-Forwards: 69\r\nf: <sip:u0001@bench.local>;tag=9\r\nt: <sip:u0002@bench.local>\r\ni: abc@192.0.2.7\r\n"
            + "CSeq: 1 MESSAGE\r\nRecord-Route: <sip:192.0.2.1;lr>\r\nContent-Type: text/plain;charset=UTF-8\r\n"
            + "Subject: caf\u00c3\u00a9\r\nl: 5\r\n\r\nhello";
    private static final String RESPONSE = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1;received=127.0.0.1\r\n"
            + "From: <sip:u0001@bench.local>;tag=1\r\nTo: <sip:u0002@bench.local>;tag=2\r\nCall-ID: 1@h\r\nCSeq: 1 MESSAGE\r\n"
            + "Content-Length: 0\r\n\r\n";
    private static final String INVITE = "INVITE sips:bob@biloxi.example.com;transport=tls SIP/2.0\r\n"
            + "Via: SIP/2.0/TLS client.atlanta.example.com:5061;branch=z9hG4bK74bf9\r\nMax-Forwards: 70\r\n"
            + "From: \"Alice\" <sips:alice@atlanta.example.com>;tag=9fxced76sl\r\nTo: Bob <sips:bob@biloxi.example.com>\r\n"
            + "Call-ID: 3848276298220188511@atlanta.example.com\r\nCSeq: 1 INVITE\r\nContact: <sips:alice@client.atlanta.example.com>\r\n"
            + "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\nContent-Type: application/sdp\r\nContent-Length: 24\r\n\r\n"
            + "v=0\r\no=- 1 1 IN IP4 a\r\n\r\n";

    static Stream<Arguments> common() {
        return Stream.of(Arguments.of("SIPp's REGISTER with credentials", REGISTER),
                Arguments.of("a proxied MESSAGE with two Vias in one header, compact names", MESSAGE),
                Arguments.of("a 200 with received", RESPONSE),
                Arguments.of("an INVITE with a body", INVITE),
                Arguments.of("a tel: Request-URI", "INVITE tel:+1-201-555-0123 SIP/2.0\r\n" + RESPONSE.substring(RESPONSE.indexOf("Via"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("common")
    void vouchesForWhatRealClientsSend(String name, String message) {
        byte[] bytes = bytes(message);
        assertTrue(WellFormedScan.accepts(bytes, 0, bytes.length), message);
    }

    @Test
    void vouchingAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] bytes = bytes(REGISTER);
        boolean all = true;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            all &= StrictSyntax.check(bytes, bytes.length).isEmpty();
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(all);
        // the old check made a String of the datagram, one per line and a Matcher per header: kilobytes each
        assertTrue(allocated < 10_000, "allocated " + allocated + " bytes for 10,000 checks");
    }

    @Test
    void neverVouchesForWhatTheExactCheckRefuses() {
        List<byte[]> seeds = new ArrayList<>();
        Stream.concat(Stream.concat(StrictSyntaxTest.valid(), StrictSyntaxTest.invalid()), common())
                .forEach(arguments -> seeds.add(bytes((String) arguments.get()[1])));
        byte[] alphabet = bytes(" \t\r\n:;,\"[]@?\\/.<>=0123456789SIPsipvVfFtTlL\u0000\u0007\u007f\u0080\u00ff-_~!");
        Random random = new Random(12);
        int vouched = 0;
        for (int round = 0; round < 60_000; round++) {
            byte[] seed = seeds.get(random.nextInt(seeds.size()));
            byte[] mutant = mutate(seed, random, alphabet);
            Optional<StrictSyntax.Violation> exact = exactCheck(mutant);
            boolean accepted = WellFormedScan.accepts(mutant, 0, mutant.length);
            if (accepted) {
                vouched++;
                assertEquals(Optional.empty(), exact, () -> "vouched for " + new String(mutant, StandardCharsets.ISO_8859_1));
            }
            assertEquals(exact, StrictSyntax.check(mutant, mutant.length));
        }
        assertTrue(vouched > 1_000, "the mutations exercise the scan's acceptance: " + vouched);
    }

    @Test
    void leavesLegalButUnusualShapesToTheExactCheck() {
        for (String unusual : new String[] {
                "OPTIONS sip:b@[2001:db8::1] SIP/2.0\r\n" + RESPONSE.substring(RESPONSE.indexOf("Via")),
                RESPONSE.replace("CSeq: 1 MESSAGE\r\n", "CSeq: 1\r\n MESSAGE\r\n"),
                RESPONSE.replace("Content-Length: 0\r\n", "Content-Length: 0\r\nl: 0\r\n"),
                RESPONSE.replace(";received", ";x=\"a,b\";received")}) {
            byte[] bytes = bytes(unusual);
            assertFalse(WellFormedScan.accepts(bytes, 0, bytes.length), unusual);
            assertEquals(Optional.empty(), StrictSyntax.check(bytes, bytes.length), unusual);
        }
    }

    /** One to three insertions, deletions or replacements, mostly in the header block. */
    static byte[] mutate(byte[] seed, Random random, byte[] alphabet) {
        byte[] result = seed;
        for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
            int at = random.nextInt(result.length + 1);
            byte b = alphabet[random.nextInt(alphabet.length)];
            byte[] next;
            switch (random.nextInt(3)) {
                case 0 -> {
                    next = new byte[result.length + 1];
                    System.arraycopy(result, 0, next, 0, at);
                    next[at] = b;
                    System.arraycopy(result, at, next, at + 1, result.length - at);
                }
                case 1 -> {
                    if (at == result.length) {
                        continue;
                    }
                    next = new byte[result.length - 1];
                    System.arraycopy(result, 0, next, 0, at);
                    System.arraycopy(result, at + 1, next, at, result.length - at - 1);
                }
                default -> {
                    if (at == result.length) {
                        continue;
                    }
                    next = result.clone();
                    next[at] = b;
                }
            }
            result = next;
        }
        return result;
    }

    private static Optional<StrictSyntax.Violation> exactCheck(byte[] bytes) {
        int start = 0;
        while (start + 1 < bytes.length && bytes[start] == '\r' && bytes[start + 1] == '\n') {
            start += 2;
        }
        boolean blank = true;
        for (int i = start; i < bytes.length && blank; i++) {
            blank = bytes[i] == '\r' || bytes[i] == '\n' || bytes[i] == ' ' || bytes[i] == '\t';
        }
        return blank ? Optional.empty() : StrictSyntax.exactCheck(bytes, start, bytes.length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
