package org.liaison.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.liaison.media.MediaRelayException;

class SessionDescriptionTest {
    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n";

    @Test
    void endpointsComeFromMediaLevelConnectionAndRtcpAttribute() throws Exception {
        SessionDescription sdp = SessionDescription.parse(HEAD + "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.2\r\na=rtcp:4005\r\n"
                + "m=video 5000 RTP/AVP 96\r\na=rtcp-mux\r\n");
        MediaDescription audio = sdp.media().get(0);
        MediaDescription video = sdp.media().get(1);
        assertEquals(new InetSocketAddress("192.0.2.2", 4000), audio.rtpEndpoint());
        assertEquals(new InetSocketAddress("192.0.2.2", 4005), audio.rtcpEndpoint());
        assertEquals(new InetSocketAddress("192.0.2.1", 5001), video.rtcpEndpoint(),
                "where RTCP goes if the answer declines rtcp-mux");
        assertTrue(video.rtcpMux());
    }

    @Test
    void eachSectionShowsItsTypeProfileAndAttributesWithTheSessionLevelOnes() throws Exception {
        List<MediaDescription> media = SessionDescription.parse(HEAD + "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "a=fingerprint:sha-256 4A:AD\r\nm=audio 4000 UDP/TLS/RTP/SAVPF 0\r\na=setup:actpass\r\n"
                + "m=message 0 TCP/TLS/MSRP *\r\n").media();
        MediaDescription audio = media.get(0);
        MediaDescription chat = media.get(1);
        assertEquals("audio", audio.type());
        assertEquals("UDP/TLS/RTP/SAVPF", audio.proto());
        assertTrue(audio.hasAttribute("setup") && audio.hasAttribute("Fingerprint"));
        assertTrue(chat.hasAttribute("fingerprint"), "a session-level attribute applies to every section");
        assertFalse(chat.hasAttribute("setup"));
        assertEquals("TCP/TLS/MSRP", chat.proto());
        assertTrue(chat.rejected());
    }

    @Test
    void lineFeedOnlySdpIsReadAndWrittenWithCrlf() throws Exception {
        String text = (HEAD + "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n").replace("\r\n", "\n");
        assertEquals(text.replace("\n", "\r\n"), SessionDescription.parse(text).toString());
    }

    @Test
    void malformedSdpIsRefusedAsBadSdp() {
        String[] bad = {
            "",
            "v=1\r\n",
            HEAD + "this is not sdp\r\n",
            HEAD + "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", // no connection address
            HEAD + "c=IN IP4 pbx.example.com\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", // host name: no DNS
            HEAD + "c=IN IP4 224.2.1.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", // multicast
            HEAD + "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
            HEAD + "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000\r\n",
            HEAD + "c=IN IP6 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
        };
        for (String text : bad) {
            MediaRelayException e = assertThrows(MediaRelayException.class, () -> SessionDescription.parse(text), text);
            assertEquals(MediaRelayException.Reason.BAD_SDP, e.reason());
        }
    }
}
