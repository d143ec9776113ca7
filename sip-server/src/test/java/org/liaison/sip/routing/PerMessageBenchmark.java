package org.liaison.sip.routing;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.StringMsgParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.sip.message.Outcome;
import org.liaison.sip.message.Target;
import org.liaison.sip.testing.ThreadCpuMeter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 12: the per-message path of the REGISTER and MESSAGE benchmarks (bench/bench-sip.sh), without sockets or
 * the transaction layer, measured in seconds: bytes parsed as the UDP channel parses them, the router's decision
 * over the real authenticator, registrar and location service (in a temporary data directory), and the answer
 * (or the forwarded copy) encoded to bytes. Each operation is what SIPp's scenario costs the server: the request
 * without credentials and its challenge, then the request with credentials and its 200 (or forwarded copy).
 * {@link #clientOnly} is the part of each operation that is the client's (writing the requests, its MD5s):
 * subtract it. Run with bench/bench-jmh.sh; not a test (surefire runs only *Test classes).
 *
 * <p>The machine this runs on is shared: JMH's score is wall time, which other processes stretch. Every
 * iteration therefore also prints the benchmark thread's own CPU time per operation ("thread CPU"), which they
 * do not (the JIT's and the GC's threads are not in it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class PerMessageBenchmark {
    private static final DigestAlgorithm MD5 = DigestAlgorithm.MD5;
    private static final String CNONCE = "c0ffee";
    private static final String ALICE_HA1 = MD5.ha1("alice", RoutingFixture.DOMAIN, "alice-secret");

    private Path dir;
    private RoutingFixture fixture;
    private RequestRouter router;
    private long cseq;
    @Setup(Level.Trial)
    public void start() throws Exception {
        dir = Files.createTempDirectory("per-message-benchmark");
        fixture = new RoutingFixture(dir);
        router = fixture.router();
        fixture.register("bob", "sip:bob@127.0.0.1:5090", 5090);
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        fixture.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** REGISTER → 401, REGISTER with credentials → 200 (a refresh of alice's one binding). */
    @Benchmark
    public byte[] register(ThreadCpuMeter cpu) throws ParseException {
        cpu.count();
        long n = ++cseq;
        Response challenge = answer(registerText(n, ""));
        String authorization = "Authorization: " + credentials(challenge, "WWW-Authenticate", Request.REGISTER,
                "sip:example.org") + "\r\n";
        Response ok = answer(registerText(n + 1, authorization));
        check(ok, Response.OK);
        ++cseq;
        return ((SIPResponse) ok).encodeAsBytes("UDP");
    }

    /**
     * MESSAGE → 407, MESSAGE with credentials → forwarded to bob's device: the copy the proxy sends (RFC 3261 §16.6
     * steps 1-3: copy, Request-URI, Max-Forwards) encoded. The server transactions, the Via the stack adds and the
     * 200 relayed back are not in it.
     */
    @Benchmark
    public byte[] message(ThreadCpuMeter cpu) throws Exception {
        cpu.count();
        long n = ++cseq;
        Response challenge = answer(messageText(n, ""));
        String authorization = "Proxy-Authorization: " + credentials(challenge, "Proxy-Authenticate",
                Request.MESSAGE, "sip:bob@example.org") + "\r\n";
        Outcome outcome = router.route(parse(messageText(n, authorization)), RoutingFixture.FROM_ALICE);
        if (!(outcome instanceof Outcome.Forward forward)) {
            throw new IllegalStateException("MESSAGE not forwarded: " + outcome);
        }
        Target target = forward.targets().get(0);
        Request copy = (Request) forward.request().clone();
        copy.setRequestURI(target.requestUri());
        ((MaxForwardsHeader) copy.getHeader(MaxForwardsHeader.NAME)).decrementMaxForwards();
        return ((SIPRequest) copy).encodeAsBytes("UDP");
    }

    /** What {@link #register} spends as the client: two requests written, one nonce read, its MD5s. */
    @Benchmark
    public int clientOnly(ThreadCpuMeter cpu) {
        cpu.count();
        long n = ++cseq;
        String nonce = "B1x2v3y4z5a6b7c8d9e0f1g2h3i4j5k6l7m8n9o0p1q2r3s4";
        String response = MD5.hash(ALICE_HA1 + ":" + nonce + ":00000001:" + CNONCE + ":auth:"
                + MD5.hash(Request.REGISTER + ":sip:example.org"));
        return registerText(n, "").length + registerText(n, response).length;
    }

    private Response answer(byte[] request) throws ParseException {
        Outcome outcome = router.route(parse(request), RoutingFixture.FROM_ALICE);
        if (!(outcome instanceof Outcome.Respond respond)) {
            throw new IllegalStateException("not answered: " + outcome);
        }
        return respond.response();
    }

    /** As JAIN-SIP's UDP channel parses a datagram (the parser is per channel, not shared). */
    private static Request parse(byte[] datagram) throws ParseException {
        SIPMessage message = new StringMsgParser().parseSIPMessage(datagram, true, false, null);
        return (Request) message;
    }

    private static String credentials(Response challenge, String header, String method, String uri) {
        String value = challenge.getHeader(header).toString();
        String nonce = value.replaceAll("(?s).*nonce=\"([^\"]*)\".*", "$1");
        String response = MD5.hash(ALICE_HA1 + ":" + nonce + ":00000001:" + CNONCE + ":auth:"
                + MD5.hash(method + ":" + uri));
        return "Digest username=\"alice\", realm=\"" + RoutingFixture.DOMAIN + "\", nonce=\"" + nonce + "\", uri=\""
                + uri + "\", response=\"" + response + "\", algorithm=MD5, cnonce=\"" + CNONCE
                + "\", qop=auth, nc=00000001";
    }

    private static void check(Response response, int status) {
        if (response.getStatusCode() != status) {
            throw new IllegalStateException("expected " + status + ", got " + response);
        }
    }

    /** SIPp's register.xml, as text. */
    private static byte[] registerText(long cseq, String authorization) {
        return ("REGISTER sip:example.org SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-r" + cseq + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.org>;tag=bench-r\r\n"
                + "To: <sip:alice@example.org>\r\n"
                + "Call-ID: bench-register-alice\r\n"
                + "CSeq: " + cseq + " REGISTER\r\n"
                + "Contact: <sip:alice@127.0.0.1:40000;transport=udp>\r\n"
                + authorization
                + "Expires: 3600\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** SIPp's message-uac.xml, as text: 100 bytes of text/plain. */
    private static byte[] messageText(long cseq, String authorization) {
        String body = "x".repeat(100);
        return ("MESSAGE sip:bob@example.org SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-m" + cseq + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:alice@example.org>;tag=bench-m" + cseq + "\r\n"
                + "To: <sip:bob@example.org>\r\n"
                + "Call-ID: bench-message-" + cseq + "\r\n"
                + "CSeq: " + (authorization.isEmpty() ? 1 : 2) + " MESSAGE\r\n"
                + authorization
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }
}
