package org.liaison.im;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Receipts (IMDN, RFC 5438) in an {@link OfflineStore}: to a store they are messages like any
 * other, and this says so for every implementation ({@link OfflineStoreContract} extends it, so
 * the file store's and the Redis store's tests both run it): kept in arrival order among the
 * messages for the same user, their type and bytes intact, counted against their sender's caps.
 */
public interface ReceiptStoreContract {

    /** A new, empty store; the implementing test closes it afterwards. */
    OfflineStore newStore(OfflineStoreSettings settings, MutableClock clock) throws Exception;

    /** What liblinphone writes when a message was displayed, as the server keeps it (decoded). */
    static NewMessage receipt(String origin, String recipient, String messageId) {
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\" ?>"
                + "<imdn xmlns=\"urn:ietf:params:xml:ns:imdn\"><message-id>" + messageId + "</message-id>"
                + "<datetime>2026-03-01T10:00:00Z</datetime><display-notification><status><displayed/></status>"
                + "</display-notification></imdn>";
        return new NewMessage(recipient, "<sip:" + origin + "@example.org>", "imdn-" + messageId,
                "message/imdn+xml", xml.getBytes(StandardCharsets.UTF_8), origin);
    }

    private static NewMessage chat(String origin, String recipient, String text) {
        return new NewMessage(recipient, "<sip:" + origin + "@example.org>", "call-" + text, "text/plain",
                text.getBytes(StandardCharsets.UTF_8), origin);
    }

    @Test
    default void aReceiptIsKeptAmongMessagesInArrivalOrderItsTypeAndBytesIntact() throws Exception {
        OfflineStore store = newStore(new OfflineStoreSettings(Duration.ofDays(7), 100, 65536),
                new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
        NewMessage receipt = receipt("bob", "alice", "m-1");

        store.store(chat("bob", "alice", "before"));
        store.store(receipt);
        store.store(chat("bob", "alice", "after"));

        List<StoredMessage> pending = store.pendingFor("alice", "phone", 10);
        assertEquals(List.of("call-before", "imdn-m-1", "call-after"),
                pending.stream().map(StoredMessage::callId).toList());
        assertEquals("message/imdn+xml", pending.get(1).contentType());
        assertArrayEquals(receipt.body(), pending.get(1).body());
        assertEquals("bob", pending.get(1).origin());
        store.acknowledge("alice", "phone", pending.get(1).id());
        assertEquals(List.of("call-before", "call-after"),
                store.pendingFor("alice", "phone", 10).stream().map(StoredMessage::callId).toList());
        assertEquals(3, store.pendingFor("alice", "tablet", 10).size());
    }

    /** A phone that receipts every message it is sent must not be able to crowd out others, nor exceed its share. */
    @Test
    default void receiptsCountAgainstTheirSendersCapsLikeMessages() throws Exception {
        OfflineStore store = newStore(new OfflineStoreSettings(Duration.ofDays(7), 100, 65536, 2, 3),
                new MutableClock(Instant.parse("2026-03-01T10:00:00Z")));
        store.store(receipt("bob", "alice", "m-1"));
        store.store(chat("bob", "alice", "a reply"));

        assertThrows(SenderQueueFullException.class, () -> store.store(receipt("bob", "alice", "m-2")));
        store.store(receipt("bob", "carol", "m-3"));
        assertThrows(SenderQueueFullException.class, () -> store.store(receipt("bob", "dave", "m-4")));
        store.store(receipt("erin", "alice", "m-5"));
        assertEquals(3, store.pendingFor("alice", "phone", 10).size());
    }
}
