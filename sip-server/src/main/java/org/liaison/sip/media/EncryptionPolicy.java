package org.liaison.sip.media;

import java.util.Locale;
import java.util.Optional;
import org.liaison.media.MediaRelayException;
import org.liaison.media.sdp.MediaDescription;
import org.liaison.media.sdp.SessionDescription;
import org.liaison.sip.config.MediaSettings.Encryption;

/**
 * {@code media.encryption=mandatory}: every active RTP stream of an offer must be SRTP keyed in a
 * way nobody on the path can read. Accepted: DTLS-SRTP (a=fingerprint on UDP/TLS/RTP/SAVP or
 * SAVPF, RFC 5763), ZRTP (a=zrtp-hash, RFC 6189), and SDES (a=crypto, RFC 4568) only when the
 * request came over TLS: over UDP or TCP its keys crossed the network in clear text. Non-RTP
 * streams (MSRP, BFCP) and rejected streams (port 0) are not looked at. Answers are not policed:
 * the offerer, who asked for encryption, refuses an answer that drops it. The offer is read with
 * the relay's SDP model: an offer it cannot parse is refused, as the relay would refuse it.
 */
final class EncryptionPolicy {
    private final Encryption encryption;

    EncryptionPolicy(Encryption encryption) {
        this.encryption = encryption;
    }

    /** Why {@code offer} (SDP text), received over {@code transport} (top Via), is refused; empty if accepted. */
    Optional<String> refusal(String offer, String transport) {
        if (encryption == Encryption.OPTIONAL) {
            return Optional.empty();
        }
        SessionDescription sdp;
        try {
            sdp = SessionDescription.parse(offer);
        } catch (MediaRelayException e) {
            return Optional.of(e.getMessage());
        }
        boolean overTls = "TLS".equalsIgnoreCase(transport);
        for (MediaDescription m : sdp.media()) {
            String proto = m.proto().toUpperCase(Locale.ROOT);
            if (m.rejected() || !proto.contains("RTP")) {
                continue;
            }
            boolean sdes = m.hasAttribute("crypto");
            if (sdes && !overTls) {
                return Optional.of("SDES keys (a=crypto) arrived over " + transport.toUpperCase(Locale.ROOT)
                        + " and were readable on the wire; use TLS, DTLS-SRTP or ZRTP");
            }
            boolean dtls = m.hasAttribute("fingerprint") && proto.startsWith("UDP/TLS/RTP/SAVP");
            if (!sdes && !dtls && !m.hasAttribute("zrtp-hash")) {
                return Optional.of("media must be encrypted: m=" + m.type()
                        + " offers no DTLS-SRTP, ZRTP, or SDES over TLS");
            }
        }
        return Optional.empty();
    }
}
