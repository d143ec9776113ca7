package org.liaison.sip.media;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Optional;
import javax.sip.header.ContentTypeHeader;
import javax.sip.message.Message;

/**
 * The SDP body of a SIP message as text, and its replacement. What the text says is read by the
 * relay's model ({@link org.liaison.media.sdp.SessionDescription}; see docs/adr/0001-one-sdp-model.md).
 */
final class SdpBody {
    private SdpBody() {
    }

    /** The SDP body of {@code message}, if it carries one (multipart bodies are not looked into). */
    static Optional<String> of(Message message) {
        ContentTypeHeader type = (ContentTypeHeader) message.getHeader(ContentTypeHeader.NAME);
        byte[] body = message.getRawContent();
        if (type == null || body == null || body.length == 0 || !"application".equalsIgnoreCase(type.getContentType())
                || !"sdp".equalsIgnoreCase(type.getContentSubType())) {
            return Optional.empty();
        }
        return Optional.of(new String(body, StandardCharsets.UTF_8));
    }

    /** Whether {@code message} has a multipart body (RFC 5621), whose parts this class does not read. */
    static boolean isMultipart(Message message) {
        ContentTypeHeader type = (ContentTypeHeader) message.getHeader(ContentTypeHeader.NAME);
        byte[] body = message.getRawContent();
        return type != null && body != null && body.length > 0 && "multipart".equalsIgnoreCase(type.getContentType());
    }

    /** Replaces the body of {@code message}; JAIN-SIP fixes Content-Length. */
    static void replace(Message message, String sdp) {
        try {
            message.setContent(sdp, (ContentTypeHeader) message.getHeader(ContentTypeHeader.NAME));
        } catch (ParseException e) {
            throw new IllegalStateException("cannot set an SDP body", e);
        }
    }
}
