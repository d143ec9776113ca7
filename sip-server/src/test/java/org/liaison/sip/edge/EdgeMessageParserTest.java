package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gov.nist.core.CommonLogger;
import gov.nist.javax.sip.header.SIPHeader;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.parser.HeaderParser;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.ParserFactory;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Issue 12: {@link EdgeMessageParser} makes exactly the message JAIN-SIP's own StringMsgParser makes, or fails
 * exactly as it does: same encoding, header classes, unparsed headers and size, the same calls to the listener
 * (none, one that sets broken headers aside, one that refuses them as the UDP channel's does). On RFC 4475 /
 * RFC 5118 cases, every message of the SIPp scenarios (bench's and the protocol tests'), and tens of thousands of
 * seeded mutations of them that touch header names' case and bytes.
 */
class EdgeMessageParserTest {
    private static final Pattern CDATA = Pattern.compile("<!\\[CDATA\\[(.*?)]]>", Pattern.DOTALL);
    /** JAIN-SIP's lexer puts its buffer's identity (a char[]'s toString) in some of its messages. */
    private static final Pattern IDENTITY = Pattern.compile("\\[C@[0-9a-f]+");
    private static final Pattern KEYWORD = Pattern.compile("\\[([^\\]\\[]+)]");
    private static final String DIGEST = "Authorization: Digest username=\"u0017\",realm=\"bench.local\",cnonce=\"6b8b4567\","
            + "nc=00000001,qop=auth,uri=\"sip:127.0.0.1:5060\",nonce=\"AAABk_xPZ2kAAAAAyT3q4lWrT9Cw5VnWUJrPG4Ngl0Q\","
            + "response=\"6629fae49393a05397450978507c4ef1\",algorithm=MD5";
    private static final Map<String, String> SIPP_VALUES = Map.ofEntries(Map.entry("field0", "u0017"),
            Map.entry("field1", "bench.local"), Map.entry("field2", DIGEST), Map.entry("field3", "u1999"),
            Map.entry("domain", "bench.local"), Map.entry("local_ip", "127.0.0.1"), Map.entry("local_port", "40522"),
            Map.entry("transport", "UDP"), Map.entry("call_number", "17"), Map.entry("pid", "5320"),
            Map.entry("call_id", "17-5320@127.0.0.1"), Map.entry("branch", "z9hG4bK-5320-17-2"),
            Map.entry("media_port", "6000"), Map.entry("instance", "urn:uuid:0c6e8f2a-1b2c-4d5e-8f90-a1b2c3d4e5f6"),
            Map.entry("routes", "Route: <sip:127.0.0.1:5060;lr>"), Map.entry("next_url", "sip:u0017@127.0.0.1:40522"),
            Map.entry("last_Via:", "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK8a1f3c0d2e;rport=5060, "
                    + "SIP/2.0/UDP 127.0.0.1:40523;branch=z9hG4bK-5321-17-2;received=127.0.0.1;rport=40523"),
            Map.entry("last_From:", "From: <sip:u0017@bench.local>;tag=5321m17"),
            Map.entry("last_To:", "To: <sip:u1999@bench.local>;tag=29976SIPpTag0117"),
            Map.entry("last_Call-ID:", "Call-ID: 17-5321@127.0.0.1"), Map.entry("last_CSeq:", "CSeq: 2 MESSAGE"),
            Map.entry("last_Record-Route:", "Record-Route: <sip:127.0.0.1:5060;lr>"),
            Map.entry("$stored_date", "Sun, 06 Dec 2026 11:00:00 GMT"), Map.entry("$invite_cseq", "1"));
    /** Each way the stack calls the parser: UDP (body, lax), the NIO stream's and its own reparsing. */
    private static final boolean[][] READ_BODY_STRICT = {{true, false}, {false, false}, {true, true}};

    /** As the stack does when it starts (JAIN-SIP's fallback logger is log4j's, not on the class path). */
    @BeforeAll
    static void logLikeTheStack() {
        CommonLogger.legacyLogger = new StackLogBridge();
    }

    @Test
    void findsTheParserJainSipsFactoryFindsForEveryNameInAnyCase() throws Exception {
        Field table = ParserFactory.class.getDeclaredField("parserTable");
        table.setAccessible(true);
        @SuppressWarnings("unchecked")
        Map<String, Class<?>> stock = (Map<String, Class<?>>) table.get(null);
        Field names = HeaderParserTable.class.getDeclaredField("NAMES");
        names.setAccessible(true);
        assertEquals(stock.keySet(), Arrays.stream((String[]) names.get(null)).filter(Objects::nonNull)
                .collect(Collectors.toSet()));
        for (Map.Entry<String, Class<?>> entry : stock.entrySet()) {
            String name = entry.getKey();
            for (String spelling : List.of(name, name.toUpperCase(Locale.ROOT), capitalized(name))) {
                for (String line : List.of(spelling + ": x\n", spelling + " \t: x\n", "\u0001" + spelling + ":x\n")) {
                    assertSame(entry.getValue(), HeaderParserTable.parserFor(line).getClass(), line);
                    assertSame(ParserFactory.createParser(line).getClass(), HeaderParserTable.parserFor(line).getClass());
                }
            }
        }
        for (String line : List.of("X-Flood: a\n", "Vía: x\n", "Via-X: x\n", "Vi: x\n", "\u212a: x\n", "  : x\n")) {
            Class<?> stockClass = ParserFactory.createParser(line).getClass();
            Class<?> ours = HeaderParserTable.parserFor(line).getClass();
            assertTrue(ours == stockClass || stockClass == HeaderParser.class && ours.getSuperclass() == HeaderParser.class,
                    line + ": " + ours + " instead of " + stockClass);
        }
    }

    @Test
    void makesTheSameMessagesAsTheStockParserFromTheCorpora() throws IOException {
        List<byte[]> corpus = corpus();
        assertTrue(corpus.size() > 80, "corpus of " + corpus.size());
        for (byte[] message : corpus) {
            assertSameParse(message);
        }
    }

    @Test
    void makesTheSameMessagesAsTheStockParserFromMutations() throws IOException {
        List<byte[]> seeds = corpus();
        byte[] alphabet = bytes(" \t\r\n:;,\"[]@?\\/.<>=0123456789SIPsipvVfFtTlLmMiIcCkK\u0000\u0007\u007f\u0080\u00e2\u0084\u00aa\u00ff-_~!");
        Random random = new Random(4475);
        int parsed = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] mutant = WellFormedScanTest.mutate(seeds.get(random.nextInt(seeds.size())), random, alphabet);
            if (random.nextBoolean()) {
                int at = random.nextInt(mutant.length);
                mutant[at] = (byte) (Character.isUpperCase(mutant[at]) ? Character.toLowerCase(mutant[at]) : Character.toUpperCase(mutant[at]));
            }
            parsed += assertSameParse(mutant) ? 1 : 0;
        }
        assertTrue(parsed > 1_500, "the mutations exercise successful parses: " + parsed);
    }

    /** Whether the stock parser made a message of it, with no listener. */
    private static boolean assertSameParse(byte[] message) {
        boolean parsed = false;
        for (boolean[] mode : READ_BODY_STRICT) {
            for (Listening listening : Listening.values()) {
                String stock = outcome(new StringMsgParser(), message, mode[0], mode[1], listening);
                String ours = outcome(new EdgeMessageParser(null), message, mode[0], mode[1], listening);
                assertEquals(stock, ours, () -> new String(message, StandardCharsets.ISO_8859_1));
                parsed |= listening == Listening.NONE && mode[0] && !stock.startsWith("failed");
            }
        }
        return parsed;
    }

    private enum Listening { NONE, SET_ASIDE, REFUSE_MANDATORY }

    /** The message as text, with its header classes and what the listener saw; or the failure and what it saw. */
    private static String outcome(StringMsgParser parser, byte[] bytes, boolean readBody, boolean strict, Listening listening) {
        List<String> heard = new ArrayList<>();
        ParseExceptionListener listener = listening == Listening.NONE ? null : (ex, message, headerClass, header, text) -> {
            heard.add(IDENTITY.matcher(String.valueOf(ex.getMessage())).replaceAll("[C@") + "@" + ex.getErrorOffset() + " " + headerClass + " [" + header + "] " + Objects.hashCode(text));
            if (message == null || listening == Listening.REFUSE_MANDATORY && headerClass != null
                    && headerClass.getPackageName().equals("gov.nist.javax.sip.header")
                    && Set.of("From", "To", "CSeq", "Via", "CallID", "ContentLength").contains(headerClass.getSimpleName())) {
                throw ex;
            }
            message.addUnparsed(header);
        };
        try {
            SIPMessage message = parser.parseSIPMessage(bytes, readBody, strict, listener);
            if (message == null) {
                return "nothing " + heard;
            }
            StringBuilder text = new StringBuilder(message.encode()).append("\nclasses:");
            for (Iterator<SIPHeader> headers = message.getHeaders(); headers.hasNext();) {
                text.append(' ').append(headers.next().getClass().getName());
            }
            message.getUnrecognizedHeaders().forEachRemaining(h -> text.append("\nunparsed: ").append(h));
            return text.append("\nsize ").append(message.getSize()).append(" content ")
                    .append(Arrays.toString(message.getRawContent())).append('\n').append(heard).toString();
        } catch (Exception ex) {
            return "failed " + IDENTITY.matcher(ex.toString()).replaceAll("[C@") + " " + heard;
        }
    }

    private static List<byte[]> corpus() throws IOException {
        List<byte[]> corpus = new ArrayList<>();
        Stream.of(StrictSyntaxTest.valid(), StrictSyntaxTest.invalid(), WellFormedScanTest.common()).flatMap(s -> s)
                .map(Arguments::get).forEach(arguments -> corpus.add(bytes((String) arguments[1])));
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        for (Path folder : List.of(root.resolve("bench/sipp"), root.resolve("sip-server/src/test/resources/sipp"))) {
            try (Stream<Path> scenarios = Files.list(folder)) {
                for (Path scenario : scenarios.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                    Matcher cdata = CDATA.matcher(Files.readString(scenario, StandardCharsets.ISO_8859_1));
                    while (cdata.find()) {
                        corpus.add(bytes(sippMessage(cdata.group(1))));
                    }
                }
            }
        }
        return corpus;
    }

    /** A scenario's message as SIPp sends it: lines trimmed, CR LF, keywords replaced, [len] the body's length. */
    private static String sippMessage(String template) {
        List<String> lines = template.strip().lines().map(String::strip).toList();
        int blank = lines.indexOf("");
        List<String> head = blank < 0 ? lines : lines.subList(0, blank);
        String body = blank < 0 ? "" : String.join("\r\n", lines.subList(blank + 1, lines.size()));
        body = body.isEmpty() ? "" : substitute(body, 0) + "\r\n";
        return substitute(String.join("\r\n", head), body.length()) + "\r\n\r\n" + body;
    }

    private static String substitute(String text, int length) {
        return KEYWORD.matcher(text).replaceAll(keyword -> Matcher.quoteReplacement(keyword.group(1).equals("len")
                ? Integer.toString(length)
                : keyword.group(1).startsWith("authentication") ? DIGEST : SIPP_VALUES.getOrDefault(keyword.group(1), keyword.group())));
    }

    private static String capitalized(String name) {
        return Arrays.stream(name.split("-", -1)).map(part -> part.isEmpty() ? part
                : Character.toUpperCase(part.charAt(0)) + part.substring(1)).collect(Collectors.joining("-"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
