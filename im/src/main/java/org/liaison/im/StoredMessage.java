package org.liaison.im;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message kept by an {@link OfflineStore} until each device of its recipient has it.
 *
 * @param id          unique within the store and sortable by arrival: comparing ids as strings
 *                    orders messages oldest first (see {@link OfflineStore})
 * @param recipient   the user name the message is addressed to
 * @param sender      the From URI text of the original request
 * @param callId      the Call-ID of the original request, so a client can drop a duplicate
 * @param contentType the Content-Type of the body
 * @param body        the body bytes, copied on the way in and out
 * @param receivedAt  when the store accepted the message (the {@code Date} to put on delivery)
 * @param expiresAt   from this instant on the message is no longer delivered
 * @param origin      the account that sent it ({@link NewMessage#origin()})
 */
public record StoredMessage(String id, String recipient, String sender, String callId, String contentType,
        byte[] body, Instant receivedAt, Instant expiresAt, String origin) {

    public StoredMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(contentType, "contentType");
        body = Objects.requireNonNull(body, "body").clone();
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(origin, "origin");
    }

    /** A message whose origin is its From text, as in files written before origins were kept. */
    public StoredMessage(String id, String recipient, String sender, String callId, String contentType, byte[] body,
            Instant receivedAt, Instant expiresAt) {
        this(id, recipient, sender, callId, contentType, body, receivedAt, expiresAt, sender);
    }

    /** The same message as kept for {@code member}, one recipient of a group post. */
    StoredMessage forRecipient(String member) {
        return new StoredMessage(id, member, sender, callId, contentType, body, receivedAt, expiresAt, origin);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StoredMessage m
                && id.equals(m.id) && recipient.equals(m.recipient) && sender.equals(m.sender)
                && callId.equals(m.callId) && contentType.equals(m.contentType) && Arrays.equals(body, m.body)
                && receivedAt.equals(m.receivedAt) && expiresAt.equals(m.expiresAt) && origin.equals(m.origin);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, recipient, sender, callId, contentType, Arrays.hashCode(body), receivedAt, expiresAt,
                origin);
    }

    @Override
    public String toString() {
        return "StoredMessage[id=" + id + ", recipient=" + recipient + ", sender=" + sender + ", callId=" + callId
                + ", contentType=" + contentType + ", body=" + body.length + " bytes, receivedAt=" + receivedAt
                + ", expiresAt=" + expiresAt + ", origin=" + origin + "]";
    }
}
