package org.liaison.sip.warmup;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.liaison.provisioning.DigestAlgorithm;
import org.liaison.sip.auth.RequestDigest;

/**
 * The phone of {@link WarmUp}: one UDP socket on loopback that registers (answering the digest challenge, MD5 as
 * most desk phones), sends itself a MESSAGE through the server (reusing the nonce with the next nonce-count, as
 * phones do) and answers it, and sends an OPTIONS keep-alive; one exchange after another, each waiting for its
 * answer. Any unexpected answer ends the warm-up: it is an optimisation, never a reason to fail a start.
 */
final class WarmUpClient implements Closeable {
    private static final int ANSWER_TIMEOUT_MS = 2000;
    private static final Pattern STATUS = Pattern.compile("^SIP/2\\.0 (\\d{3}) ");
    private static final Pattern PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]+))");

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final String domain;
    private final String user;
    private final String password;
    private final String local;
    private final byte[] buffer = new byte[65_535];
    private long sequence;

    WarmUpClient(InetSocketAddress server, String domain, String user, String password) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.socket.setSoTimeout(ANSWER_TIMEOUT_MS);
        this.server = server;
        this.domain = domain;
        this.user = user;
        this.password = password;
        this.local = "127.0.0.1:" + socket.getLocalPort();
    }

    /**
     * Runs up to {@code count} rounds until {@code deadlineNanos}; returns the exchanges answered as expected (a
     * round ends early, without counting, at the first unexpected answer).
     */
    int exchange(int count, long deadlineNanos) throws IOException {
        int done = 0;
        for (int round = 0; round < count && System.nanoTime() < deadlineNanos; round++) {
            Map<String, String> challenge = challengeOf(expect(401, request("REGISTER", "sip:" + domain, "", "")));
            expect(200, request("REGISTER", "sip:" + domain, authorization("Authorization", challenge, "REGISTER",
                    "sip:" + domain, 1), ""));
            String self = "sip:" + user + "@" + domain;
            expect(200, request("MESSAGE", self, authorization("Proxy-Authorization", challenge, "MESSAGE", self, 2),
                    "warm-up " + round));
            expect(200, request("OPTIONS", "sip:" + domain, "", ""));
            done += 3;
        }
        return done;
    }

    /** Sends a request and returns the text of its final answer, answering any request the server sends meanwhile. */
    private String request(String method, String uri, String authorization, String body) throws IOException {
        long n = ++sequence;
        String callId = "warm-up-" + n + "@" + local;
        StringBuilder text = new StringBuilder(512)
                .append(method).append(' ').append(uri).append(" SIP/2.0\r\n")
                .append("Via: SIP/2.0/UDP ").append(local).append(";branch=z9hG4bK-warm-up-").append(socket.getLocalPort()).append('-').append(n)
                .append(";rport\r\n")
                .append("Max-Forwards: 70\r\n")
                .append("From: <sip:").append(user).append('@').append(domain).append(">;tag=w").append(n).append("\r\n")
                .append("To: <sip:").append(user).append('@').append(domain).append(">\r\n")
                .append("Call-ID: ").append(callId).append("\r\n")
                .append("CSeq: ").append(n).append(' ').append(method).append("\r\n")
                .append("User-Agent: liaison-warm-up\r\n");
        if ("REGISTER".equals(method)) {
            text.append("Contact: <sip:").append(user).append('@').append(local).append(">\r\n")
                    .append("Expires: 3600\r\n");
        }
        text.append(authorization);
        if (!body.isEmpty()) {
            text.append("Content-Type: text/plain\r\n");
        }
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        text.append("Content-Length: ").append(content.length).append("\r\n\r\n").append(body);
        send(text.toString());
        while (true) {
            String received = receive(method);
            Matcher status = STATUS.matcher(received);
            if (!status.find()) {
                answer(received);
            } else if (received.contains(callId) && Integer.parseInt(status.group(1)) >= 200) {
                return received;
            }
        }
    }

    /** A 200 to a request the server relayed to this phone, with the headers RFC 3261 §8.2.6.2 copies. */
    private void answer(String request) throws IOException {
        StringBuilder text = new StringBuilder(512).append("SIP/2.0 200 OK\r\n");
        for (String line : request.split("\r\n")) {
            if (line.isEmpty()) {
                break;
            }
            String name = line.substring(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "via", "v", "from", "f", "call-id", "i", "cseq" -> text.append(line).append("\r\n");
                case "to", "t" -> text.append(line).append(line.contains("tag=") ? "" : ";tag=warm-up").append("\r\n");
                default -> {
                }
            }
        }
        send(text.append("Content-Length: 0\r\n\r\n").toString());
    }

    private static String expect(int status, String answer) throws IOException {
        Matcher m = STATUS.matcher(answer);
        if (!m.find() || Integer.parseInt(m.group(1)) != status) {
            throw new IOException("expected " + status + ", got " + answer.lines().findFirst().orElse(""));
        }
        return answer;
    }

    /** The parameters of the MD5 digest challenge in {@code answer}. */
    private static Map<String, String> challengeOf(String answer) throws IOException {
        for (String line : answer.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("www-authenticate:") && !lower.contains("sha-256")) {
                Map<String, String> params = new HashMap<>();
                Matcher m = PARAM.matcher(line.substring(line.indexOf(':') + 1));
                while (m.find()) {
                    params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
                }
                return params;
            }
        }
        throw new IOException("no MD5 challenge in " + answer.lines().findFirst().orElse(""));
    }

    private String authorization(String header, Map<String, String> challenge, String method, String uri, int count) {
        String nc = String.format("%08x", count);
        String cnonce = "warm-up-" + sequence;
        String realm = challenge.get("realm");
        String response = RequestDigest.response(DigestAlgorithm.MD5, DigestAlgorithm.MD5.ha1(user, realm, password),
                challenge.get("nonce"), nc, cnonce, "auth", method, uri);
        return header + ": Digest username=\"" + user + "\",realm=\"" + realm + "\",nonce=\""
                + challenge.get("nonce") + "\",uri=\"" + uri + "\",response=\"" + response
                + "\",algorithm=MD5,cnonce=\"" + cnonce + "\",qop=auth,nc=" + nc
                + (challenge.containsKey("opaque") ? ",opaque=\"" + challenge.get("opaque") + "\"" : "") + "\r\n";
    }

    private void send(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, server));
    }

    private String receive(String awaited) throws IOException {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            throw new IOException("no answer to " + awaited + " within " + ANSWER_TIMEOUT_MS + " ms", e);
        }
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        socket.close();
    }
}
