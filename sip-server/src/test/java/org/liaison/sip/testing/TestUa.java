package org.liaison.sip.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSession;
import org.liaison.provisioning.DigestAlgorithm;

/**
 * A small blocking SIP user agent over UDP, TCP or TLS on loopback, written from the RFC for tests: it sends
 * text, waits (with a deadline) for the message it expects, and answers digest challenges.
 */
public final class TestUa implements AutoCloseable {
    private static final Pattern PARAM = Pattern.compile("(\\w+)=(\"[^\"]*\"|[^,\\s]+)");

    private final Wire wire;
    private final String user;
    private final String domain;
    private final List<SipText> unread = new ArrayList<>();
    private int cseq = 1;
    private int nonceCount;

    /** A UDP user agent. */
    public TestUa(String user, TestServer server) throws IOException {
        this(user, server, false);
    }

    /** A UDP or (with {@code tcp}) TCP user agent; over TCP everything uses one connection. */
    public TestUa(String user, TestServer server, boolean tcp) throws IOException {
        this(user, server, tcp, server.host());
    }

    /** A user agent talking to the server at {@code serverHost} ({@code ::1} for IPv6). */
    public TestUa(String user, TestServer server, boolean tcp, String serverHost) throws IOException {
        this(user, server, tcp ? new Wire.Tcp(new InetSocketAddress(serverHost, server.port()))
                : new Wire.Udp(new InetSocketAddress(serverHost, server.port())));
    }

    private TestUa(String user, TestServer server, Wire wire) {
        this.wire = wire;
        this.user = user;
        this.domain = server.domain();
    }

    /** A UDP user agent sending from {@code localAddress}, e.g. 127.0.0.7: another source address on loopback. */
    public static TestUa fromAddress(String user, TestServer server, String localAddress) throws IOException {
        return new TestUa(user, server, new Wire.Udp(new InetSocketAddress(server.host(), server.port()),
                java.net.InetAddress.getByName(localAddress)));
    }

    /** A TCP user agent connecting from {@code localAddress}, e.g. 127.0.0.7: another source address on loopback. */
    public static TestUa overTcpFromAddress(String user, TestServer server, String localAddress) throws IOException {
        return new TestUa(user, server, new Wire.Tcp(new InetSocketAddress(server.host(), server.port()),
                java.net.InetAddress.getByName(localAddress)));
    }

    /** A TLS user agent on the server's TLS port, trusting only the server's private CA ({@code ca.pem}). */
    public static TestUa overTls(String user, TestServer server) throws IOException {
        return new TestUa(user, server, Wire.Tcp.tls(new InetSocketAddress(server.host(), server.tlsPort()),
                TlsClients.trusting(server.dataDir().resolve("ca.pem"))));
    }

    /**
     * As {@link #overTls}, from a port a test may listen on too (SO_REUSEPORT), also while this UA's connection or its
     * TIME_WAIT holds it: to see whether anything connects to a phone's source port.
     */
    public static TestUa overTlsFromASharedPort(String user, TestServer server) throws IOException {
        return new TestUa(user, server, Wire.Tcp.tls(new InetSocketAddress(server.host(), server.tlsPort()),
                TlsClients.trusting(server.dataDir().resolve("ca.pem")), true));
    }

    /** The negotiated TLS session; null unless over TLS. */
    public SSLSession tlsSession() {
        return wire instanceof Wire.Tcp stream ? stream.session() : null;
    }

    public int port() {
        return wire.localPort();
    }

    public String transport() {
        return wire.name();
    }

    public String contact() {
        return "sip:" + user + "@" + wire.host() + ":" + port()
                + (wire instanceof Wire.Tcp ? ";transport=" + wire.name().toLowerCase(java.util.Locale.ROOT) : "");
    }

    public String aor() {
        return "sip:" + user + "@" + domain;
    }

    public int nextCseq() {
        return cseq++;
    }

    public static String newBranch() {
        return "z9hG4bK" + UUID.randomUUID().toString().replace("-", "");
    }

    public String via(String branch) {
        return "SIP/2.0/" + wire.name() + " " + wire.host() + ":" + port() + ";rport;branch=" + branch;
    }

    public void send(String text) throws IOException {
        wire.send(text.getBytes(StandardCharsets.UTF_8));
    }

    public void sendBytes(byte[] bytes) throws IOException {
        wire.send(bytes);
    }

    /** The next received message matching {@code wanted}, waiting at most {@code timeout}. */
    public SipText await(Predicate<SipText> wanted, Duration timeout) throws IOException {
        for (Iterator<SipText> it = unread.iterator(); it.hasNext(); ) {
            SipText m = it.next();
            if (wanted.test(m)) {
                it.remove();
                return m;
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching message within " + timeout + "; unmatched: " + unread);
            }
            String text = wire.receive(Duration.ofNanos(left));
            if (text == null) {
                continue;
            }
            SipText m = SipText.parse(text);
            if (wanted.test(m)) {
                return m;
            }
            unread.add(m);
        }
    }

    /** The final (or given-status) response to the request with this CSeq method. */
    public SipText awaitResponse(String method, int minStatus) throws IOException {
        return await(m -> m.isResponse() && m.cseqMethod().equals(method) && m.status() >= minStatus,
                Duration.ofSeconds(5));
    }

    public SipText awaitRequest(String method) throws IOException {
        return await(m -> !m.isResponse() && m.method().equals(method), Duration.ofSeconds(5));
    }

    /** Nothing matching {@code unwanted} arrives within {@code window}. */
    public boolean receivesNothing(Predicate<SipText> unwanted, Duration window) throws IOException {
        try {
            await(unwanted, window);
            return false;
        } catch (AssertionError expected) {
            return true;
        }
    }

    /** Answers a received request with {@code status}, echoing Via/From/To/Call-ID/CSeq (RFC 3261 §8.2.6). */
    public void respond(SipText request, int status, String reason, String toTag, String extraHeaders, String body)
            throws IOException {
        StringBuilder b = new StringBuilder("SIP/2.0 ").append(status).append(' ').append(reason).append("\r\n");
        for (String via : request.all("via")) {
            b.append("Via: ").append(via).append("\r\n");
        }
        request.all("record-route").forEach(rr -> b.append("Record-Route: ").append(rr).append("\r\n"));
        String to = request.header("to").orElseThrow();
        if (toTag != null && SipText.tagOf(to) == null) {
            to = to + ";tag=" + toTag;
        }
        b.append("From: ").append(request.header("from").orElseThrow()).append("\r\n")
                .append("To: ").append(to).append("\r\n")
                .append("Call-ID: ").append(request.header("call-id").orElseThrow()).append("\r\n")
                .append("CSeq: ").append(request.header("cseq").orElseThrow()).append("\r\n");
        if (status >= 200 && status < 300 && "INVITE".equals(request.method())) {
            b.append("Contact: <").append(contact()).append(">\r\n");
        }
        b.append(extraHeaders == null ? "" : extraHeaders);
        String content = body == null ? "" : body;
        b.append("Content-Length: ").append(content.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
                .append(content);
        send(b.toString());
    }

    /**
     * Sends {@code request} (text with a {@code {auth}} placeholder where credentials go); on a
     * 401/407 answers the challenge once with {@code password} and returns the final response.
     */
    public SipText sendWithAuth(String request, String password) throws IOException {
        Challenged exchange = sendAnsweringChallenge(request, password);
        return exchange.retry() == null ? exchange.first() : awaitResponse(exchange.first().cseqMethod(), 200);
    }

    /**
     * The one 401/407-then-retry exchange of these tests (RFC 3261 §22.2, §22.3): sends {@code request}
     * without credentials and, when challenged, sends it again {@link #answering answering} the
     * challenge. Does not wait for the retry's answer (an INVITE's final answer waits for the callee).
     */
    public Challenged sendAnsweringChallenge(String request, String password) throws IOException {
        send(request.replace("{auth}", ""));
        SipText first = awaitResponse(request.substring(0, request.indexOf(' ')), 200);
        if (first.status() != 401 && first.status() != 407) {
            return new Challenged(first, null);
        }
        String retry = answering(request, first, password);
        send(retry);
        return new Challenged(first, retry);
    }

    /**
     * The first final answer to a request and, if that was a challenge, the text of the retry that
     * answered it (null otherwise): what a CANCEL must copy (RFC 3261 §9.1).
     */
    public record Challenged(SipText first, String retry) {
    }

    /**
     * {@code request} again as a new transaction (next CSeq, new branch) carrying this UA's answer
     * to {@code challenge} with {@code password} in its {@code {auth}} place.
     */
    public String answering(String request, SipText challenge, String password) {
        String method = request.substring(0, request.indexOf(' '));
        String uri = request.substring(request.indexOf(' ') + 1, request.indexOf(" SIP/2.0"));
        return request.replace("{auth}", authorization(challenge, method, uri, user, password))
                .replaceFirst("CSeq: \\d+", "CSeq: " + nextCseq())
                .replaceFirst("branch=[^;\\r\\n]+", "branch=" + newBranch());
    }

    /** The Authorization / Proxy-Authorization header line answering the first challenge of {@code challenge}. */
    public String authorization(SipText challenge, String method, String uri, String username, String password) {
        boolean proxy = challenge.status() == 407;
        String value = challenge.header(proxy ? "proxy-authenticate" : "www-authenticate").orElseThrow();
        return authorizationFor(value, proxy, method, uri, username, password);
    }

    private String authorizationFor(String challengeValue, boolean proxy, String method, String uri, String username,
            String password) {
        String realm = param(challengeValue, "realm");
        String nonce = param(challengeValue, "nonce");
        String opaque = param(challengeValue, "opaque");
        String algorithmToken = param(challengeValue, "algorithm");
        DigestAlgorithm algorithm = algorithmToken == null ? DigestAlgorithm.MD5
                : DigestAlgorithm.fromToken(algorithmToken).orElseThrow();
        String nc = String.format("%08x", ++nonceCount);
        String cnonce = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), 0, 8);
        String ha1 = algorithm.ha1(username, realm, password);
        String ha2 = algorithm.hash(method + ":" + uri);
        String response = algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return (proxy ? "Proxy-Authorization" : "Authorization") + ": Digest username=\"" + username
                + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri + "\", response=\"" + response
                + "\", algorithm=" + algorithm.token() + ", cnonce=\"" + cnonce + "\", qop=auth, nc=" + nc
                + (opaque == null ? "" : ", opaque=\"" + opaque + "\"") + "\r\n";
    }

    public static String param(String header, String name) {
        Matcher m = PARAM.matcher(header);
        while (m.find()) {
            if (m.group(1).equalsIgnoreCase(name)) {
                String v = m.group(2);
                return v.startsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    /** Stored messages carry the Date they arrived (RFC 3428 store and forward); live ones do not. */
    public static final Predicate<SipText> STORED_MESSAGE =
            m -> !m.isResponse() && "MESSAGE".equals(m.method()) && m.header("date").isPresent();

    /** A MESSAGE from this UA with a {@code {auth}} placeholder for {@link #sendWithAuth}. */
    public String messageRequest(String requestUri, String callId, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "MESSAGE " + requestUri + " SIP/2.0\r\n"
                + "Via: " + via(newBranch()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + aor() + ">;tag=" + Math.abs(callId.hashCode()) + "\r\n"
                + "To: <" + requestUri + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + nextCseq() + " MESSAGE\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "{auth}"
                + "Content-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    /** A REGISTER for this UA's own contact, with a {@code {auth}} placeholder. */
    public String registerRequest(String callId, int expires, String contactParams) {
        return "REGISTER sip:" + domain + " SIP/2.0\r\n"
                + "Via: " + via(newBranch()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + aor() + ">;tag=" + callId.hashCode() + "\r\n"
                + "To: <" + aor() + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + nextCseq() + " REGISTER\r\n"
                + "Contact: <" + contact() + ">" + contactParams + "\r\n"
                + "Supported: gruu, path\r\n"
                + "Expires: " + expires + "\r\n"
                + "{auth}"
                + "Content-Length: 0\r\n\r\n";
    }

    /** An OPTIONS to the server itself (a keep-alive, or "are you there?"). */
    public String optionsRequest() {
        return "OPTIONS sip:" + domain + " SIP/2.0\r\n"
                + "Via: " + via(newBranch()) + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <" + aor() + ">;tag=" + nextCseq() + "\r\n"
                + "To: <sip:" + domain + ">\r\n"
                + "Call-ID: options-" + UUID.randomUUID() + "\r\n"
                + "CSeq: " + nextCseq() + " OPTIONS\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** Registers this UA (challenge answered) and returns the final response. */
    public SipText register(String password, String contactParams) throws IOException {
        return sendWithAuth(registerRequest(UUID.randomUUID().toString(), 3600, contactParams), password);
    }

    public String user() {
        return user;
    }

    @Override
    public void close() {
        wire.close();
    }
}
