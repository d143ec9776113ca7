package org.liaison.im;

import java.util.Arrays;
import java.util.Objects;

/**
 * A SIP MESSAGE (RFC 3428) that no device of its recipient took, as handed to
 * {@link OfflineStore#store}. The store stamps the arrival time itself, from its clock.
 *
 * <p>Only what re-sending the request needs is kept: the From URI (so the recipient sees the
 * original sender), the Call-ID (so a client can de-duplicate a message it already showed),
 * the Content-Type and the body bytes. Other headers are deliberately dropped: {@code Date} is
 * rebuilt from {@link StoredMessage#receivedAt()}, and routing headers belong to the original
 * transaction, not to the delivery.
 *
 * @param recipient   the user name the message is addressed to (from our own users list)
 * @param sender      the From URI text, e.g. {@code sip:alice@example.org}
 * @param callId      the Call-ID of the original request
 * @param contentType the Content-Type of the body, e.g. {@code text/plain;charset=UTF-8}
 * @param body        the body bytes, copied on the way in and out
 * @param origin      who answers for the message, the authenticated account that sent it: the
 *                    per-sender caps count by it, since the From text (display name, a group's
 *                    address) is the sender's to vary
 */
public record NewMessage(String recipient, String sender, String callId, String contentType, byte[] body,
        String origin) {

    public NewMessage {
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(contentType, "contentType");
        body = Objects.requireNonNull(body, "body").clone();
        Objects.requireNonNull(origin, "origin");
    }

    /** A message whose origin is its From text (a caller that cannot name the account behind it). */
    public NewMessage(String recipient, String sender, String callId, String contentType, byte[] body) {
        this(recipient, sender, callId, contentType, body, sender);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** Only the store reads the body without copying it, to avoid a second copy per message. */
    int bodyLength() {
        return body.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NewMessage m
                && recipient.equals(m.recipient) && sender.equals(m.sender) && callId.equals(m.callId)
                && contentType.equals(m.contentType) && Arrays.equals(body, m.body) && origin.equals(m.origin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(recipient, sender, callId, contentType, Arrays.hashCode(body), origin);
    }

    @Override
    public String toString() {
        return "NewMessage[recipient=" + recipient + ", sender=" + sender + ", callId=" + callId
                + ", contentType=" + contentType + ", body=" + body.length + " bytes, origin=" + origin + "]";
    }
}
