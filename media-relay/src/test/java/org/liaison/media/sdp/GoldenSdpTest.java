package org.liaison.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden SDP: {@code sdp/NAME.in.sdp} rewritten for a relay at 203.0.113.1 (2001:db8::1 for IPv6)
 * whose m-line {@code i} gets relay port {@code 40000 + 4i} (RTCP one above, or the same port with
 * rtcp-mux) must equal {@code sdp/NAME.out.sdp}. A mismatch writes the actual text to
 * {@code target/sdp-actual/} for review.
 */
class GoldenSdpTest {
    private static final String[] KEY_ATTRIBUTES = {"a=crypto:", "a=fingerprint:", "a=setup:", "a=zrtp-hash:"};

    @ParameterizedTest
    @ValueSource(strings = {"linphone-sdes", "baresip", "dtls", "zrtp", "hold", "audio-video", "port0", "ice",
        "ipv6", "rtcp-mux"})
    void rewrittenSdpIsTheGoldenOne(String name) throws Exception {
        String in = resource(name + ".in.sdp");
        String actual = rewrite(in, InetAddress.getByName(name.equals("ipv6") ? "2001:db8::1" : "203.0.113.1"));
        String expected = resource(name + ".out.sdp");
        if (!expected.equals(actual)) {
            Path dir = Files.createDirectories(Path.of("target", "sdp-actual"));
            Files.writeString(dir.resolve(name + ".out.sdp"), actual);
        }
        assertEquals(expected, actual, name);
        for (String line : in.split("\r\n")) {
            for (String key : KEY_ATTRIBUTES) {
                if (line.startsWith(key)) {
                    assertTrue(actual.contains(line + "\r\n"), "keys' identity unchanged: " + line);
                }
            }
        }
    }

    private static String rewrite(String in, InetAddress relay) throws Exception {
        SessionDescription sdp = SessionDescription.parse(in);
        for (int i = 0; i < sdp.media().size(); i++) {
            MediaDescription m = sdp.media().get(i);
            if (!m.rejected()) {
                int port = 40000 + 4 * i;
                m.relayVia(relay, port, m.rtcpMux() ? port : port + 1);
            }
        }
        sdp.relayVia(relay);
        return sdp.toString();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = GoldenSdpTest.class.getResourceAsStream("/sdp/" + name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
