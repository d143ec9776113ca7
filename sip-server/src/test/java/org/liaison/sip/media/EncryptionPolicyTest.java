package org.liaison.sip.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.liaison.sip.config.MediaSettings.Encryption;

/** media.encryption=mandatory, offer by offer (RFC 4568 SDES, RFC 5763 DTLS-SRTP, RFC 6189 ZRTP). */
class EncryptionPolicyTest {
    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
    private static final String FINGERPRINT = "a=fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B"
            + ":19:E5:7C:AB:4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF\r\n";
    private static final String CRYPTO = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";
    private final EncryptionPolicy mandatory = new EncryptionPolicy(Encryption.MANDATORY);

    @Test
    void plainRtpIsRefusedSayingWhichStream() {
        assertEquals(Optional.of("media must be encrypted: m=audio offers no DTLS-SRTP, ZRTP, or SDES over TLS"),
                refusal(HEAD + "m=audio 49170 RTP/AVP 0\r\n", "UDP"));
    }

    @Test
    void sdesKeysOverUdpOrTcpAreRefusedAndOverTlsAccepted() {
        String offer = HEAD + "m=audio 49170 RTP/SAVP 0\r\n" + CRYPTO;
        assertTrue(refusal(offer, "UDP").orElseThrow().contains("arrived over UDP and were readable on the wire"));
        assertTrue(refusal(offer, "TCP").orElseThrow().contains("arrived over TCP"));
        assertEquals(Optional.empty(), refusal(offer, "TLS"));
    }

    @Test
    void dtlsFingerprintAtSessionLevelCoversEveryDtlsStream() {
        String offer = HEAD + FINGERPRINT + "m=audio 49170 UDP/TLS/RTP/SAVPF 0\r\na=setup:actpass\r\n"
                + "m=video 49172 UDP/TLS/RTP/SAVP 96\r\n";
        assertEquals(Optional.empty(), refusal(offer, "UDP"));
    }

    @Test
    void fingerprintWithoutTheDtlsProfileIsNoEncryption() {
        assertTrue(refusal(HEAD + "m=audio 49170 RTP/AVP 0\r\n" + FINGERPRINT, "UDP").isPresent());
    }

    @Test
    void zrtpHashIsAccepted() {
        assertEquals(Optional.empty(), refusal(HEAD + "m=audio 49170 RTP/AVP 0\r\na=zrtp-hash:1.10 fe30efd0\r\n", "UDP"));
    }

    @Test
    void everyActiveRtpStreamMustBeEncryptedButRejectedAndNonRtpStreamsAreNotLookedAt() {
        String zrtpAudio = "m=audio 49170 RTP/AVP 0\r\na=zrtp-hash:1.10 fe30efd0\r\n";
        assertEquals(Optional.of("media must be encrypted: m=video offers no DTLS-SRTP, ZRTP, or SDES over TLS"),
                refusal(HEAD + zrtpAudio + "m=video 49172 RTP/AVP 96\r\n", "UDP"));
        assertEquals(Optional.empty(), refusal(HEAD + zrtpAudio + "m=video 0 RTP/AVP 96\r\n"
                + "m=message 7394 TCP/TLS/MSRP *\r\n", "UDP"));
    }

    @Test
    void anOfferTheRelaysModelCannotReadIsRefusedNamingTheLineNotTakenForARejectedStream() {
        // a port that is no number once read as port 0 (rejected, not policed): plain RTP went through
        assertEquals(Optional.of("bad port in \"m=audio 49170x RTP/AVP 0\""),
                refusal(HEAD + "m=audio 49170x RTP/AVP 0\r\n", "UDP"));
        assertTrue(refusal("m=audio 49170 RTP/AVP 0\r\n", "UDP").orElseThrow().contains("v=0"));
    }

    @Test
    void attributeNamesAreMatchedIgnoringCase() {
        assertEquals(Optional.empty(), refusal(HEAD + "m=audio 49170 RTP/AVP 0\r\na=ZRTP-hash:1.10 fe30efd0\r\n", "UDP"));
    }

    @Test
    void optionalLetsEverythingThrough() {
        assertEquals(Optional.empty(), new EncryptionPolicy(Encryption.OPTIONAL)
                .refusal(HEAD + "m=audio 49170 RTP/AVP 0\r\n", "UDP"));
    }

    private Optional<String> refusal(String sdp, String transport) {
        return mandatory.refusal(sdp, transport);
    }
}
