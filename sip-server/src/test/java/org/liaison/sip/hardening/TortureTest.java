package org.liaison.sip.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.liaison.sip.testing.ServerProcess;
import org.liaison.sip.testing.TestServer;
import org.liaison.sip.testing.TlsClients;
import org.liaison.sip.testing.TestUa;

/**
 * Issue 5, malformed input: a torture set in the spirit of RFC 4475, each message sent over UDP and
 * over TCP to a server running in a 64 MB JVM that exits on OutOfMemoryError, and those that bear on
 * a stream's framing (bulky) over TLS too. Each gets the status it should (400, 413, 505, 513;
 * 401/407 where the message is odd but legal) or is dropped; every response the server sends is well
 * formed, with a reason phrase of its own (never the client's text); and after each one the server
 * still answers an OPTIONS with 200, over UDP, TCP and TLS.
 */
@Timeout(30)
class TortureTest {
    private static final Duration NO_ANSWER = Duration.ofMillis(1500);
    private static final Set<Integer> REFUSED = Set.of(400, 413, 513);
    private static final Set<Integer> DROPPED = Set.of();
    private static final Pattern STATUS_LINE = Pattern.compile("SIP/2\\.0 (\\d{3}) ([A-Za-z][A-Za-z -]{0,40})\r\n");

    @TempDir
    static Path root;
    private static TestServer config;
    private static ServerProcess server;

    /**
     * One hostile message: its text with {@code {via}} for the sender's Via, the answers allowed,
     * whether it is bulky (tests a stream's framing, so it is sent over TLS as well), and whether it
     * must be answered (on every transport, TLS included: the strict syntax checks of issue 11).
     */
    record Torture(String name, byte[] message, Set<Integer> allowed, boolean bulky, boolean answered) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        config = TestServer.builder().user("alice", "alice-secret", "1001").withTls().create(root);
        server = ServerProcess.serve(config.configDir(), root.resolve("server.log"), "-Xmx64m",
                "-XX:+ExitOnOutOfMemoryError");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<Arguments> tortures() {
        List<Torture> set = new ArrayList<>();
        String d = TestServer.DOMAIN;
        set.add(of("CSeq not a number (the stack's 400 once quoted it)", request("OPTIONS", "sip:" + d, "", "CSeq: abc OPTIONS"), REFUSED));
        set.add(of("CSeq method is not the request's", request("OPTIONS", "sip:" + d, "", "CSeq: 1 INVITE"), REFUSED));
        set.add(of("negative Content-Length", request("OPTIONS", "sip:" + d, "", "Content-Length: -5"), REFUSED, true));
        set.add(of("Content-Length not a number", request("OPTIONS", "sip:" + d, "", "Content-Length: abc"), REFUSED, true));
        set.add(of("Content-Length of 2^64", request("OPTIONS", "sip:" + d, "", "Content-Length: 18446744073709551616"), REFUSED, true));
        set.add(of("Content-Length far above the body (RFC 4475 3.1.2.7)", request("MESSAGE", "sip:alice@" + d,
                "Content-Type: text/plain\r\n", "Content-Length: 999999999").concat("short body"), REFUSED, true));
        set.add(of("Request-URI that is no URI", request("OPTIONS", "sip:@@::x:y:z", "", null), REFUSED));
        set.add(of("Request-URI with angle brackets (RFC 4475 3.1.2.11)", request("OPTIONS", "<sip:" + d + ">", "", null), REFUSED));
        // the server answers for itself and never uses the port, so either answer is right
        set.add(of("Request-URI port out of range", request("OPTIONS", "sip:" + d + ":99999999", "", null), Set.of(200, 400)));
        set.add(of("unknown scheme", request("OPTIONS", "xyz:nobody@" + d, "", null), Set.of(400, 416)));
        set.add(of("NUL byte in a header", request("OPTIONS", "sip:" + d, "Subject: a\0b\r\n", null), Set.of(200, 400)));
        set.add(of("NUL byte in the From URI", request("OPTIONS", "sip:" + d, "", "From: <sip:a\0b@" + d + ">;tag=1"), REFUSED));
        set.add(of("invalid UTF-8 in the display name", request("OPTIONS", "sip:" + d, "", "From: \"\u00c3\u0028\u00ff\u00fe\" <sip:a@" + d + ">;tag=1"), Set.of(200, 400)));
        set.add(of("unparsable Contact in a REGISTER (not a query)", request("REGISTER", "sip:" + d, "Contact: <sip:alice@@@:>;;;=\r\n", null), Set.of(400)));
        set.add(of("negative Expires in a REGISTER", request("REGISTER", "sip:" + d, "Contact: <sip:alice@127.0.0.1>\r\nExpires: -1\r\n", null), Set.of(400)));
        set.add(of("Max-Forwards of 2^40", request("OPTIONS", "sip:alice@" + d, "", "Max-Forwards: 1099511627776"), REFUSED));
        set.add(of("header flood: 4,000 headers", request("OPTIONS", "sip:" + d, "X-Flood: a\r\n".repeat(4000), null), Set.of(200, 400, 413, 513), true));
        set.add(of("300 Via headers", request("OPTIONS", "sip:" + d, "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\n".repeat(300), null), Set.of(200, 400, 483, 513)));
        set.add(of("oversized: 60 KB header value", request("OPTIONS", "sip:" + d, "Subject: " + "x".repeat(60_000) + "\r\n", null), Set.of(200, 400, 413, 513), true));
        set.add(of("deeply nested multipart body", multipart(d, 200), Set.of(401, 407, 400, 413, 513)));
        set.add(of("header line folded into nothing", request("OPTIONS", "sip:" + d, "Subject:\r\n \r\n \r\n", null), Set.of(200, 400)));
        // over a stream a message without its blank line never ends: no answer there
        set.add(of("no blank line after the headers", request("OPTIONS", "sip:" + d, "", null).replace("\r\n\r\n", "\r\n"), REFUSED));
        // lines that do not end in CR LF cannot be told apart: the request cannot be answered
        set.add(of("bare CR line endings", request("OPTIONS", "sip:" + d, "", null).replace("\r\n", "\r"), REFUSED));
        set.addAll(strictSyntax(d));
        set.addAll(legalOddities(d));
        set.add(of("response with an overlarge status code (RFC 4475 3.1.2.19)", request("OPTIONS", "sip:" + d, "", null)
                .replace("OPTIONS sip:" + d + " SIP/2.0", "SIP/2.0 4294967301 better not break the receiver"), DROPPED));
        set.add(of("response of SIP version 7", request("OPTIONS", "sip:" + d, "", null)
                .replace("OPTIONS sip:" + d + " SIP/2.0", "SIP/7.0 200 OK"), DROPPED));
        set.add(of("binary garbage", new String(randomBytes(1200), StandardCharsets.ISO_8859_1), DROPPED));
        set.add(of("only line breaks", "\r\n".repeat(500), DROPPED));
        return set.stream().flatMap(t -> Stream.of("UDP", "TCP", "TLS")
                .filter(transport -> t.bulky() || t.answered() || !transport.equals("TLS"))
                .map(transport -> Arguments.of(t, transport)));
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("tortures")
    void eachHostileMessageIsRefusedOrDroppedAndTheServerKeepsServing(Torture torture, String transport)
            throws Exception {
        String answer = switch (transport) {
            case "UDP" -> overUdp(torture);
            case "TCP" -> overStream(torture, "TCP", plainConnection());
            default -> overStream(torture, "TLS", TlsClients.connect(trustServer(), config.host(), config.tlsPort()));
        };
        assertTrue(answer != null || !torture.answered(), torture.name() + ": no answer");
        if (answer != null) {
            Matcher status = STATUS_LINE.matcher(answer);
            assertTrue(status.lookingAt(), "not a clean status line: " + answer.substring(0, Math.min(200, answer.length())));
            int code = Integer.parseInt(status.group(1));
            assertTrue(torture.allowed().contains(code), torture.name() + " got " + code + ":\n" + answer);
        }
        assertTrue(server.isAlive(), "the server died:\n" + server.logText());
        for (String client : List.of("UDP", "TCP", "TLS")) {
            try (TestUa ua = client.equals("TLS") ? TestUa.overTls("alice", config)
                    : new TestUa("alice", config, client.equals("TCP"))) {
                ua.send(ua.optionsRequest());
                assertEquals(200, ua.awaitResponse("OPTIONS", 200).status(),
                        "OPTIONS over " + client + " after " + torture.name());
            }
        }
    }

    /**
     * Issue 11: what RFC 4475 §3.1.2 and RFC 5118 §4.2 call invalid and JAIN-SIP took (it reads any
     * version as 2.0, keeps one of two From headers, ...): a 505 or 400 of our own, on every transport.
     */
    private static List<Torture> strictSyntax(String d) {
        String options = request("OPTIONS", "sip:" + d, "", null);
        Set<Integer> badRequest = Set.of(400);
        return List.of(
                answered("SIP version 7 (RFC 4475 3.1.2.16)", options.replace(" SIP/2.0\r\n", " SIP/7.0\r\n"), Set.of(505)),
                answered("two spaces between request line elements (RFC 4475 3.1.2.9)",
                        options.replace("OPTIONS sip:" + d + " SIP/2.0", "OPTIONS  sip:" + d + "  SIP/2.0"), badRequest),
                answered("spaces after the request line (RFC 4475 3.1.2.10)", options.replace(" SIP/2.0\r\n", " SIP/2.0  \r\n"), badRequest),
                answered("space inside the Request-URI (RFC 4475 3.1.2.8)", request("OPTIONS", "sip:" + d + "; lr", "", null), badRequest),
                answered("headers in the Request-URI (RFC 4475 3.1.2.11)",
                        request("OPTIONS", "sip:alice@" + d + "?Route=%3Csip:evil.example.com%3E", "", null), badRequest),
                answered("IPv6 address without brackets (RFC 5118 4.2)", request("OPTIONS", "sip:2001:db8::10", "", null), badRequest),
                answered("IPv6 reference that is no address", request("OPTIONS", "sip:[2001:db8::zz]", "", null), badRequest),
                answered("two From headers", request("OPTIONS", "sip:" + d, "From: <sip:mallory@" + d + ">;tag=2\r\n", null), badRequest),
                answered("two To headers, one compact", request("OPTIONS", "sip:" + d, "t: <sip:bob@" + d + ">\r\n", null), badRequest),
                answered("two Call-ID headers", request("OPTIONS", "sip:" + d, "Call-ID: another\r\n", null), badRequest),
                answered("two CSeq headers", request("OPTIONS", "sip:" + d, "CSeq: 2 OPTIONS\r\n", null), badRequest),
                answered("two differing Content-Length headers",
                        request("OPTIONS", "sip:" + d, "Content-Length: 0\r\n", "Content-Length: 4") + "abcd", badRequest),
                answered("a Via that is not SIP", request("OPTIONS", "sip:" + d, "Via: HTTP/1.1/TCP 192.0.2.1;branch=z9hG4bKx\r\n", null), badRequest),
                answered("a Via of separators (RFC 4475 3.1.2.1)", request("OPTIONS", "sip:" + d, "Via: SIP/2.0/UDP 192.0.2.15;;,;,,\r\n", null), badRequest),
                answered("a Via with an IPv6 address without brackets",
                        request("OPTIONS", "sip:" + d, "Via: SIP/2.0/UDP 2001:db8::9:1;branch=z9hG4bKx\r\n", null), badRequest),
                answered("empty header name", request("OPTIONS", "sip:" + d, ": nothing\r\n", null), badRequest),
                answered("a bare CR inside a header", request("OPTIONS", "sip:" + d, "Subject: a\rb\r\n", null), badRequest));
    }

    /**
     * RFC 4475 §3.1.1 and RFC 5118 §4: odd but legal, so answered as any request would be (never 400).
     * Call-ID and Content-Length keep their long names: JAIN-SIP's stream parser finds them by those
     * only (it closes a TCP connection whose message says {@code i:}).
     */
    private static List<Torture> legalOddities(String d) {
        Set<Integer> served = Set.of(200, 401, 404, 407, 480);
        return List.of(
                answered("folded headers, odd spacing and case, compact names (RFC 4475 3.1.1.1)",
                        "OPTIONS sip:" + d + ";unknownparam SIP/2.0\r\n{via}\r\nTO :\r\n <sip:alice@" + d + "> ;   tag    = 19n\r\n"
                        + "f   : \"J Rosenberg \\\\\\\"\"       <sip:torture@" + d + ">\r\n  ;\r\n  tag = 98asjd8\r\n"
                        + "MaX-fOrWaRdS: 0068\r\nCall-ID: wsinv." + UUID.randomUUID() + "\r\ncseq: 0009\r\n  OPTIONS\r\n"
                        + "s :\r\nNewFangledHeader:   newfangled value\r\n continued newfangled value\r\n"
                        + "UnknownHeaderWithUnusualValue: ;;,,;;,;\r\nContent-Length: 0\r\n\r\n", served),
                answered("escaped user part (RFC 4475 3.1.1.5)", request("OPTIONS", "sip:sips%3Aalice%40" + d + "@" + d, "", null), served),
                answered("IPv6 reference in the Request-URI (RFC 5118 4.1)", request("OPTIONS", "sip:alice@[::1]", "", null),
                        Set.of(200, 401, 403, 404, 407, 416, 480)),
                answered("tel: Request-URI", request("OPTIONS", "tel:+1-201-555-0123", "", null), Set.of(401, 403, 404, 407, 416)),
                answered("leading CR LF", "\r\n" + request("OPTIONS", "sip:" + d, "", null), served));
    }

    private static Torture of(String name, String text, Set<Integer> allowed) {
        return of(name, text, allowed, false);
    }

    /** {@code bulky}: may also be dropped, or its TCP connection closed, without an answer. */
    private static Torture of(String name, String text, Set<Integer> allowed, boolean bulky) {
        return new Torture(name, text.getBytes(StandardCharsets.ISO_8859_1), allowed, bulky, false);
    }

    /** Must get one of the {@code allowed} answers over UDP, TCP and TLS. */
    private static Torture answered(String name, String text, Set<Integer> allowed) {
        return new Torture(name, text.getBytes(StandardCharsets.ISO_8859_1), allowed, false, true);
    }

    /** A request with one header line replaced (or added) by {@code override}, e.g. "CSeq: abc OPTIONS". */
    private static String request(String method, String uri, String extraHeaders, String override) {
        StringBuilder b = new StringBuilder(method + " " + uri + " SIP/2.0\r\n{via}\r\n");
        List<String> headers = new ArrayList<>(List.of("Max-Forwards: 70", "From: <sip:torture@" + TestServer.DOMAIN
                + ">;tag=" + UUID.randomUUID(), "To: <sip:alice@" + TestServer.DOMAIN + ">", "Call-ID: " + UUID.randomUUID(),
                "CSeq: 1 " + method, "Content-Length: 0"));
        if (override != null) {
            String name = override.substring(0, override.indexOf(':'));
            headers.removeIf(h -> h.startsWith(name + ":"));
            headers.add(headers.size() - 1, override);
        }
        headers.forEach(h -> b.append(h).append("\r\n"));
        b.insert(b.indexOf("Content-Length:") >= 0 ? b.indexOf("Content-Length:") : b.length(), extraHeaders);
        return b.append("\r\n").toString();
    }

    private static String multipart(String domain, int depth) {
        StringBuilder body = new StringBuilder("v=0\r\n");
        for (int i = 0; i < depth; i++) {
            body.insert(0, "--b" + i + "\r\nContent-Type: multipart/mixed;boundary=b" + (i + 1) + "\r\n\r\n")
                    .append("\r\n--b").append(i).append("--\r\n");
        }
        return request("INVITE", "sip:alice@" + domain, "Content-Type: multipart/mixed;boundary=b0\r\n", "Content-Length: " + body.length())
                + body;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.util.Random(4475).nextBytes(bytes);
        return bytes;
    }

    private String overUdp(Torture torture) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] message = withVia(torture, "UDP", socket.getLocalPort());
            socket.send(new DatagramPacket(message, message.length, new InetSocketAddress(config.host(), config.port())));
            socket.setSoTimeout((int) NO_ANSWER.toMillis());
            byte[] buffer = new byte[65536];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
                return new String(buffer, 0, packet.getLength(), StandardCharsets.ISO_8859_1);
            } catch (SocketTimeoutException dropped) {
                return null;
            }
        }
    }

    private static Socket plainConnection() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress("127.0.0.1", 0));
        socket.connect(new InetSocketAddress(config.host(), config.port()), 2000);
        return socket;
    }

    /** Read after the server started: it makes its private CA on first start. */
    private static SSLContext trustServer() throws IOException {
        return TlsClients.trusting(config.dataDir().resolve("ca.pem"));
    }

    /** The first response on {@code connection} (closed after), or null if none came (dropped, or the connection closed). */
    private String overStream(Torture torture, String transport, Socket connection) throws IOException {
        try (Socket socket = connection) {
            socket.getOutputStream().write(withVia(torture, transport, socket.getLocalPort()));
            socket.setSoTimeout((int) NO_ANSWER.toMillis());
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    received.write(buffer, 0, n);
                    if (received.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                        break;
                    }
                }
            } catch (SocketTimeoutException | java.net.SocketException dropped) {
                // no answer, or the server reset the connection
            }
            // a CR LF alone is the keep-alive pong (RFC 5626 §4.4.1) to a message of line breaks
            String answer = received.toString(StandardCharsets.ISO_8859_1).stripLeading();
            return answer.isEmpty() ? null : answer;
        }
    }

    private static byte[] withVia(Torture torture, String transport, int port) {
        String text = new String(torture.message(), StandardCharsets.ISO_8859_1).replace("{via}",
                "Via: SIP/2.0/" + transport + " 127.0.0.1:" + port + ";rport;branch=z9hG4bK" + UUID.randomUUID());
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
