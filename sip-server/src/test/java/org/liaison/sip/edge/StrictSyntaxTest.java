package org.liaison.sip.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.liaison.sip.edge.StrictSyntax.Violation;

/**
 * {@link StrictSyntax} and {@link StatelessRefusal} on raw text: the RFC 4475 §3.1.1 and RFC 5118
 * messages a server must accept (abridged to their header blocks) pass; the invalid ones of RFC
 * 4475 §3.1.2, RFC 5118 §4.2 and issue 11 get the status they should; and the answer to a refused
 * request carries none of its text but the headers that match it.
 */
class StrictSyntaxTest {
    private static final String VIA = "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9\r\n";
    private static final String HEADERS = VIA + "Max-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=9fx\r\n"
            + "To: <sip:b@example.com>\r\nCall-ID: 3848276298220188511@example.com\r\nCSeq: 1 OPTIONS\r\n";

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("plain OPTIONS", "OPTIONS sip:b@example.com SIP/2.0\r\n" + HEADERS + "Content-Length: 0\r\n\r\n"),
                Arguments.of("wsinv: folding, odd spacing and case (RFC 4475 3.1.1.1)",
                        "INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0\r\nTO :\r\n"
                        + " sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n\r\n"
                        + "from   : \"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com>\r\n  ;\r\n  tag = 98asjd8\r\n"
                        + "MaX-fOrWaRdS: 0068\r\nCall-ID: wsinv.ndaksdj@192.0.2.1\r\nContent-Length   : 0\r\n"
                        + "cseq: 0009\r\n  INVITE\r\nVia  : SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;branch=390skdjuw\r\n"
                        + "s :\r\nNewFangledHeader:   newfangled value\r\n continued newfangled value\r\n"
                        + "UnknownHeaderWithUnusualValue: ;;,,;;,;\r\n"
                        + "Route:\r\n <sip:services.example.com;lr;unknownwith=value;unknown-no-value>\r\n"
                        + "v:  SIP  / 2.0  / TCP     spindle.example.com   ;\r\n  branch  =   z9hG4bK9ikj8  ,\r\n"
                        + " SIP  /    2.0   / UDP  192.168.255.111   ; branch=\r\n z9hG4bK30239\r\n"
                        + "m:\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam =\r\n      newvalue ;\r\n"
                        + "  secondparam ; q = 0.33\r\n\r\n"),
                Arguments.of("intmeth: unusual method and URI characters (RFC 4475 3.1.1.4)",
                        "!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"
                        + ":&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0\r\n"
                        + "Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`'~\r\n"
                        + "To: \"BEL:\\\u0007 NUL:\\\u0000 DEL:\\\u007f\" <sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*@example.com>\r\n"
                        + "From: token1~` token2'+_ token3*%!.- <sip:mundane@example.com>;fromParam''~+*_!.-%=\r\n"
                        + " \"\u0420\u0430\u0437\u043d\u044b\u0439\";tag=_token~1'+`*%!-.\r\n"
                        + "Call-ID: intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{\r\nCSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~\r\n"
                        + "Max-Forwards: 255\r\nextensionHeader-!.%*+_`'~:\uFEFF\u5927\u505C\u96FB\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("esc01: escaped Request-URI (RFC 4475 3.1.1.5)",
                        "INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0\r\n" + HEADERS + "Content-Length: 0\r\n\r\n"),
                Arguments.of("esc02: escaped method (RFC 4475 3.1.1.6)",
                        "RE%47IST%45R sip:registrar.example.com SIP/2.0\r\n" + HEADERS + "\r\n"),
                Arguments.of("semiuri: semicolon in the user part (RFC 4475 3.1.1.10)",
                        "OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0\r\n" + HEADERS + "\r\n"),
                Arguments.of("transports: four Via transports in one header (RFC 4475 3.1.1.11)",
                        "OPTIONS sip:user@example.com SIP/2.0\r\nVia: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw, "
                        + "SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf, SIP/2.0/TLS t3.example.com, "
                        + "SIP/2.0/UNKNOWN t4.example.com\r\n" + HEADERS + "\r\n"),
                Arguments.of("compact forms and repeated list headers",
                        "REGISTER sips:example.com SIP/2.0\r\nv: SIP/2.0/TLS [2001:db8::9:1]:5061;branch=z9hG4bK1;received=2001:db8::9:255\r\n"
                        + "v: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK2\r\nf: <sips:a@example.com>;tag=1\r\nt: <sips:a@example.com>\r\n"
                        + "i: 77@h\r\nCSeq: 2 REGISTER\r\nm: <sips:a@[2001:db8::9:1]>\r\nm: <sips:a@192.0.2.1>\r\n"
                        + "Route: <sip:p1>\r\nRoute: <sip:p2>\r\nl: 0\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("ipv6-good, port-unambiguous, IPv4-mapped (RFC 5118 4.1, 4.4, 4.9)",
                        "REGISTER sip:[2001:db8::10]:5070 SIP/2.0\r\n" + HEADERS.replace("192.0.2.1:5060", "[::ffff:192.0.2.10]") + "\r\n"),
                Arguments.of("port-ambiguous (RFC 5118 4.3)", "REGISTER sip:[2001:db8::10:5070] SIP/2.0\r\n" + HEADERS + "\r\n"),
                Arguments.of("tel: Request-URI", "INVITE tel:+1-201-555-0123 SIP/2.0\r\n" + HEADERS + "\r\n"),
                Arguments.of("a response with a UTF-8 reason phrase (RFC 4475 3.1.1.12)",
                        "SIP/2.0 200 = 2**3 * 5**2 \u00d0\u00bd\u00d0\u00be \u00d1\u0081\u00d1\u0082\u00d1\u0085\r\n" + HEADERS + "\r\n"),
                Arguments.of("a response with no reason phrase (RFC 4475 3.1.1.13)", "SIP/2.0 100 \r\n" + HEADERS + "\r\n"),
                Arguments.of("keep-alive", "\r\n\r\n"),
                Arguments.of("leading CRLF", "\r\nOPTIONS sip:b@example.com SIP/2.0\r\n" + HEADERS + "\r\n"));
    }

    static Stream<Arguments> invalid() {
        String options = "OPTIONS sip:b@example.com SIP/2.0\r\n";
        return Stream.of(
                Arguments.of("badvers (RFC 4475 3.1.2.16)", "OPTIONS sip:t.watson@example.org SIP/7.0\r\n" + HEADERS + "\r\n", Violation.VERSION),
                Arguments.of("version garbage", "OPTIONS sip:b@example.com HTTP/1.1\r\n" + HEADERS + "\r\n", Violation.START_LINE),
                Arguments.of("lwsstart (RFC 4475 3.1.2.9)", "OPTIONS  sip:b@example.com  SIP/2.0\r\n" + HEADERS + "\r\n", Violation.START_LINE),
                Arguments.of("trws (RFC 4475 3.1.2.10)", "OPTIONS sip:b@example.com SIP/2.0  \r\n" + HEADERS + "\r\n", Violation.START_LINE),
                Arguments.of("lwsruri (RFC 4475 3.1.2.8)", "INVITE sip:user@example.com; lr SIP/2.0\r\n" + HEADERS + "\r\n", Violation.START_LINE),
                Arguments.of("ltgtruri (RFC 4475 3.1.2.7)", "INVITE <sip:user@example.com> SIP/2.0\r\n" + HEADERS + "\r\n", Violation.REQUEST_URI),
                Arguments.of("escruri (RFC 4475 3.1.2.11)", "INVITE sip:user@example.com?Route=%3Csip:example.com%3E SIP/2.0\r\n" + HEADERS + "\r\n", Violation.REQUEST_URI),
                Arguments.of("ipv6-bad (RFC 5118 4.2)", "REGISTER sip:2001:db8::10 SIP/2.0\r\n" + HEADERS + "\r\n", Violation.REQUEST_URI),
                Arguments.of("IPv6 reference not closed", "REGISTER sip:[2001:db8::10 SIP/2.0\r\n" + HEADERS + "\r\n", Violation.REQUEST_URI),
                Arguments.of("IPv6 reference not an address", "REGISTER sip:[2001:db8::zz] SIP/2.0\r\n" + HEADERS + "\r\n", Violation.REQUEST_URI),
                Arguments.of("duplicate From", options + HEADERS + "From: <sip:c@example.com>;tag=2\r\n\r\n", Violation.DUPLICATE_HEADER),
                Arguments.of("duplicate To in compact form", options + HEADERS + "t: <sip:c@example.com>\r\n\r\n", Violation.DUPLICATE_HEADER),
                Arguments.of("duplicate Call-ID", options + HEADERS + "i: other\r\n\r\n", Violation.DUPLICATE_HEADER),
                Arguments.of("duplicate CSeq", options + HEADERS + "CSeq: 2 OPTIONS\r\n\r\n", Violation.DUPLICATE_HEADER),
                Arguments.of("differing Content-Length", options + HEADERS + "Content-Length: 0\r\nl: 4\r\n\r\nabcd", Violation.DUPLICATE_HEADER),
                Arguments.of("Via not SIP", options + "Via: HTTP/1.1/UDP 192.0.2.1;branch=z9hG4bK1\r\n" + HEADERS + "\r\n", Violation.VIA),
                Arguments.of("badinv01: Via of separators (RFC 4475 3.1.2.1)", options + "Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n" + HEADERS + "\r\n", Violation.VIA),
                Arguments.of("Via with an unbracketed IPv6 address", options + "Via: SIP/2.0/UDP 2001:db8::9:1;branch=z9hG4bK1\r\n" + HEADERS + "\r\n", Violation.VIA),
                Arguments.of("empty header name", options + HEADERS + ": nothing\r\n\r\n", Violation.HEADER_NAME),
                Arguments.of("header line without a colon", options + HEADERS + "Subject nothing\r\n\r\n", Violation.HEADER_NAME),
                Arguments.of("continuation before any header", options + " folded\r\n" + HEADERS + "\r\n", Violation.HEADER_NAME),
                Arguments.of("bare CR line endings", (options + HEADERS + "\r\n").replace("\r\n", "\r"), Violation.LINE_ENDING),
                Arguments.of("a bare CR inside a header", options + HEADERS + "Subject: a\rb\r\n\r\n", Violation.LINE_ENDING),
                Arguments.of("NUL in a header", options + HEADERS + "Subject: a\u0000b\r\n\r\n", Violation.LINE_ENDING),
                Arguments.of("no blank line after the headers", options + HEADERS, Violation.NO_BLANK_LINE),
                Arguments.of("bigcode: overlarge response code (RFC 4475 3.1.2.19)",
                        "SIP/2.0 4294967301 better not break the receiver\r\n" + HEADERS + "\r\n", Violation.START_LINE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void acceptsWhatIsLegal(String name, String message) {
        assertEquals(Optional.empty(), check(message));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesWhatIsNot(String name, String message, Violation expected) {
        assertEquals(Optional.of(expected), check(message));
    }

    @Test
    void theRefusalEchoesOnlyTheMatchingHeadersAndAddsAToTag() {
        String request = "OPTIONS sip:b@example.com SIP/7.0\r\n" + HEADERS + "Subject: <script>secret</script>\r\n\r\n";
        byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
        String answer = new String(StatelessRefusal.to(bytes, bytes.length, 505, "Version Not Supported").orElseThrow(),
                StandardCharsets.ISO_8859_1);
        assertTrue(answer.startsWith("SIP/2.0 505 Version Not Supported\r\n" + VIA), answer);
        assertTrue(answer.contains("\r\nTo: <sip:b@example.com>;tag="), answer);
        assertTrue(answer.endsWith("CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"), answer);
        assertFalse(answer.contains("script") || answer.contains("SIP/7.0") || answer.contains("Max-Forwards"), answer);
    }

    @Test
    void responsesAcksAndRequestsWithoutMatchingHeadersAreNotAnswered() {
        for (String message : new String[] {"SIP/2.0 200 OK\r\n" + HEADERS + "\r\n",
                "ACK sip:b@example.com SIP/7.0\r\n" + HEADERS + "\r\n",
                "OPTIONS sip:b@example.com SIP/7.0\r\n" + HEADERS.replace("Call-ID", "X-Call-ID") + "\r\n"}) {
            byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
            assertEquals(Optional.empty(), StatelessRefusal.to(bytes, bytes.length, 400, "Bad Request"), message);
        }
    }

    private static Optional<Violation> check(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.ISO_8859_1);
        return StrictSyntax.check(bytes, bytes.length);
    }
}
