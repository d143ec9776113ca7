package org.liaison.im;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every {@link OfflineStore} must do; each implementation's test class implements this
 * (public, for the Redis store's test in {@code org.liaison.im.redis}). Receipts: {@link ReceiptStoreContract}.
 */
public interface OfflineStoreContract extends ReceiptStoreContract {

    Instant START = Instant.parse("2026-03-01T10:00:00Z");
    OfflineStoreSettings SETTINGS = new OfflineStoreSettings(Duration.ofDays(7), 1000, 65536);

    /** A new, empty store; the implementing test closes it afterwards. */
    @Override
    OfflineStore newStore(OfflineStoreSettings settings, MutableClock clock) throws Exception;

    static NewMessage text(String recipient, String body) {
        return new NewMessage(recipient, "sip:alice@example.org", "call-" + body + "@192.0.2.1",
                "text/plain;charset=UTF-8", body.getBytes(StandardCharsets.UTF_8));
    }

    static List<String> bodies(List<StoredMessage> messages) {
        List<String> bodies = new ArrayList<>();
        messages.forEach(m -> bodies.add(new String(m.body(), StandardCharsets.UTF_8)));
        return bodies;
    }

    @Test
    default void storedMessageKeepsSenderCallIdContentTypeBodyAndArrivalTime() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(SETTINGS, clock);
        byte[] body = {0, 1, 2, (byte) 0xFF};

        StoredMessage stored = store.store(new NewMessage("bob", "sip:alice@example.org;tag=x", "abc@192.0.2.1",
                "application/octet-stream", body));

        StoredMessage pending = store.pendingFor("bob", "phone", 10).get(0);
        assertEquals(stored, pending);
        assertEquals("bob", pending.recipient());
        assertEquals("sip:alice@example.org;tag=x", pending.sender());
        assertEquals("abc@192.0.2.1", pending.callId());
        assertEquals("application/octet-stream", pending.contentType());
        assertArrayEquals(body, pending.body());
        assertEquals(START, pending.receivedAt());
        assertEquals(START.plus(Duration.ofDays(7)), pending.expiresAt());
    }

    @Test
    default void bodyIsCopiedSoTheCallerCannotChangeAStoredMessage() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        NewMessage message = new NewMessage("bob", "sip:alice@example.org", "c1", "text/plain", body);
        body[0] = 'J';

        StoredMessage stored = store.store(message);
        stored.body()[0] = 'Y';

        assertEquals(List.of("hello"), bodies(store.pendingFor("bob", "phone", 10)));
    }

    @Test
    default void pendingMessagesComeOldestFirst() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(SETTINGS, clock);
        store.store(text("bob", "one"));
        clock.advance(Duration.ofSeconds(1));
        store.store(text("bob", "two"));
        store.store(text("bob", "three"));

        assertEquals(List.of("one", "two", "three"), bodies(store.pendingFor("bob", "phone", 10)));
    }

    @Test
    default void idsSortInArrivalOrderEvenWhenTheClockGoesBack() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(SETTINGS, clock);
        String first = store.store(text("bob", "one")).id();
        clock.advance(Duration.ofMinutes(-5));
        String second = store.store(text("bob", "two")).id();

        assertTrue(first.compareTo(second) < 0, first + " < " + second);
        assertEquals(List.of("one", "two"), bodies(store.pendingFor("bob", "phone", 10)));
    }

    @Test
    default void eachRecipientHasItsOwnQueue() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        store.store(text("bob", "for bob"));
        store.store(text("carol", "for carol"));

        assertEquals(List.of("for bob"), bodies(store.pendingFor("bob", "phone", 10)));
        assertEquals(List.of("for carol"), bodies(store.pendingFor("carol", "phone", 10)));
        assertEquals(List.of(), store.pendingFor("dave", "phone", 10));
        assertEquals(2, store.count());
    }

    @Test
    default void deviceThatAcknowledgedNoLongerGetsTheMessageButTheUsersOtherDeviceStillDoes() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        StoredMessage message = store.store(text("bob", "hi"));

        store.acknowledge("bob", "desk-phone", message.id());

        assertEquals(List.of(), store.pendingFor("bob", "desk-phone", 10));
        assertEquals(List.of(message), store.pendingFor("bob", "mobile", 10));
        assertEquals(1, store.count());
    }

    @Test
    default void deviceFirstSeenAfterTheMessageArrivedStillGetsIt() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(SETTINGS, clock);
        StoredMessage message = store.store(text("bob", "hi"));
        store.acknowledge("bob", "desk-phone", message.id());
        clock.advance(Duration.ofDays(1));

        assertEquals(List.of(message), store.pendingFor("bob", "new-tablet", 10));
    }

    @Test
    default void acknowledgingTwiceOrAcknowledgingAnUnknownMessageIsHarmless() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        StoredMessage first = store.store(text("bob", "one"));
        store.store(text("bob", "two"));

        store.acknowledge("bob", "phone", first.id());
        store.acknowledge("bob", "phone", first.id());
        store.acknowledge("bob", "phone", "0000000000000-000000");
        store.acknowledge("nobody", "phone", first.id());

        assertEquals(List.of("two"), bodies(store.pendingFor("bob", "phone", 10)));
        assertEquals(2, store.count());
    }

    @Test
    default void pendingForReturnsAtMostMaxAndTheNextPageOnceThoseAreAcknowledged() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        for (int i = 1; i <= 5; i++) {
            store.store(text("bob", "m" + i));
        }

        List<StoredMessage> page = store.pendingFor("bob", "phone", 2);
        assertEquals(List.of("m1", "m2"), bodies(page));
        assertEquals(page, store.pendingFor("bob", "phone", 2), "unacknowledged messages are offered again");
        page.forEach(m -> store.acknowledge("bob", "phone", m.id()));

        assertEquals(List.of("m3", "m4"), bodies(store.pendingFor("bob", "phone", 2)));
        assertThrows(IllegalArgumentException.class, () -> store.pendingFor("bob", "phone", 0));
    }

    @Test
    default void messageIsDeliveredUntilItsExpiryAndNotFromThenOn() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(SETTINGS, clock);
        store.store(text("bob", "hi"));

        clock.set(START.plus(Duration.ofDays(7)).minusMillis(1));
        assertEquals(List.of("hi"), bodies(store.pendingFor("bob", "phone", 10)));
        assertEquals(0, store.purgeExpired());

        clock.set(START.plus(Duration.ofDays(7)));
        assertEquals(List.of(), store.pendingFor("bob", "phone", 10));
        assertEquals(1, store.purgeExpired());
        assertEquals(0, store.count());
    }

    @Test
    default void purgeDeletesOnlyExpiredMessages() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(SETTINGS, clock);
        store.store(text("bob", "old"));
        store.store(text("carol", "old"));
        clock.advance(Duration.ofDays(3));
        store.store(text("bob", "new"));
        clock.advance(Duration.ofDays(4));

        assertEquals(2, store.purgeExpired());
        assertEquals(List.of("new"), bodies(store.pendingFor("bob", "phone", 10)));
        assertEquals(1, store.count());
    }

    @Test
    default void storePastThePerUserCapIsRefusedWithQueueFull() throws Exception {
        OfflineStore store = newStore(new OfflineStoreSettings(Duration.ofDays(7), 3, 65536), new MutableClock(START));
        for (int i = 0; i < 3; i++) {
            store.store(text("bob", "m" + i));
        }

        QueueFullException refused = assertThrows(QueueFullException.class, () -> store.store(text("bob", "one more")));
        assertEquals("bob", refused.recipient());
        assertEquals(3, refused.limit());
        assertEquals(3, store.count());
        store.store(text("carol", "other users are not affected"));
    }

    @Test
    default void expiredMessagesDoNotCountAgainstTheCap() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(new OfflineStoreSettings(Duration.ofDays(7), 2, 65536), clock);
        store.store(text("bob", "m1"));
        store.store(text("bob", "m2"));
        clock.advance(Duration.ofDays(7));

        store.store(text("bob", "m3"));

        assertEquals(List.of("m3"), bodies(store.pendingFor("bob", "phone", 10)));
    }

    @Test
    default void forgottenMessagesNoLongerCountAgainstTheCap() throws Exception {
        OfflineStore store = newStore(new OfflineStoreSettings(Duration.ofDays(7), 1, 65536), new MutableClock(START));
        StoredMessage message = store.store(text("bob", "m1"));
        store.acknowledge("bob", "phone", message.id());
        store.forgetDelivered("bob", Set.of("phone"));

        store.store(text("bob", "m2"));

        assertEquals(List.of("m2"), bodies(store.pendingFor("bob", "phone", 10)));
    }

    @Test
    default void bodyOverTheSizeLimitIsRefusedAndOneAtTheLimitIsKept() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));

        MessageTooLargeException refused = assertThrows(MessageTooLargeException.class, () -> store.store(
                new NewMessage("bob", "sip:alice@example.org", "c1", "text/plain", new byte[65537])));
        store.store(new NewMessage("bob", "sip:alice@example.org", "c2", "text/plain", new byte[65536]));

        assertEquals(65537, refused.size());
        assertEquals(65536, refused.limit());
        assertEquals(1, store.count());
        assertEquals(65536, store.pendingFor("bob", "phone", 10).get(0).body().length);
    }

    @Test
    default void aThousandQueuedMessagesAreDeliveredInOrder() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            sent.add("message " + i);
            store.store(text("bob", "message " + i));
        }

        List<String> delivered = new ArrayList<>();
        List<StoredMessage> page = store.pendingFor("bob", "phone", 64);
        while (!page.isEmpty()) {
            for (StoredMessage message : page) {
                delivered.add(new String(message.body(), StandardCharsets.UTF_8));
                store.acknowledge("bob", "phone", message.id());
            }
            page = store.pendingFor("bob", "phone", 64);
        }

        assertEquals(sent, delivered);
    }

    @Test
    default void forgetDeliveredDeletesOnlyMessagesEveryKnownDeviceAcknowledged() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        StoredMessage both = store.store(text("bob", "both"));
        StoredMessage oneOnly = store.store(text("bob", "one only"));
        store.acknowledge("bob", "desk", both.id());
        store.acknowledge("bob", "mobile", both.id());
        store.acknowledge("bob", "desk", oneOnly.id());

        assertEquals(1, store.forgetDelivered("bob", Set.of("desk", "mobile")));

        assertEquals(List.of(oneOnly), store.pendingFor("bob", "mobile", 10));
        assertEquals(List.of(oneOnly), store.pendingFor("bob", "tablet", 10), "deleted for late devices too");
        assertEquals(1, store.count());
    }

    @Test
    default void forgetDeliveredWithNoKnownDevicesDeletesNothing() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        store.store(text("bob", "hi"));

        assertEquals(0, store.forgetDelivered("bob", Set.of()));
        assertEquals(0, store.forgetDelivered("nobody", Set.of("phone")));
        assertEquals(1, store.count());
    }

    @Test
    default void concurrentStoresAreAllKeptWithDistinctIds() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        ExecutorService senders = Executors.newFixedThreadPool(8);
        try {
            List<Future<StoredMessage>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                NewMessage message = text(i % 2 == 0 ? "bob" : "carol", "m" + i);
                results.add(senders.submit(() -> store.store(message)));
            }
            Set<String> ids = new HashSet<>();
            for (Future<StoredMessage> result : results) {
                ids.add(result.get(30, TimeUnit.SECONDS).id());
            }
            assertEquals(200, ids.size());
            assertEquals(200, store.count());
        } finally {
            senders.shutdownNow();
        }
    }

    static NewMessage from(String origin, String recipient, String body) {
        return new NewMessage(recipient, "\"" + origin + "\" <sip:" + origin + "@example.org>", "call-" + body,
                "text/plain", body.getBytes(StandardCharsets.UTF_8), origin);
    }

    @Test
    default void oneSenderCannotFillARecipientsQueueOthersStillGetIn() throws Exception {
        OfflineStore store = newStore(new OfflineStoreSettings(Duration.ofDays(7), 10, 65536, 3, 100),
                new MutableClock(START));
        for (int i = 0; i < 3; i++) {
            store.store(from("mallory", "bob", "spam" + i));
        }
        SenderQueueFullException refused = assertThrows(SenderQueueFullException.class,
                () -> store.store(from("mallory", "bob", "spam3")));
        assertEquals("mallory", refused.origin());
        store.store(from("alice", "bob", "hello"));
        store.store(from("mallory", "carol", "elsewhere"));
        assertEquals(List.of("spam0", "spam1", "spam2", "hello"), bodies(store.pendingFor("bob", "phone", 10)));
    }

    @Test
    default void aSendersTotalAcrossRecipientsIsCappedAndAGroupPostCountsOnce() throws Exception {
        OfflineStore store = newStore(new OfflineStoreSettings(Duration.ofDays(7), 10, 65536, 10, 2),
                new MutableClock(START));
        assertEquals(List.of("bob", "carol", "dave"), store.storeForMembers(from("mallory", "staff", "post"),
                List.of("bob", "carol", "dave")));
        store.store(from("mallory", "erin", "one"));
        assertThrows(SenderQueueFullException.class, () -> store.store(from("mallory", "frank", "two")));
        assertThrows(SenderQueueFullException.class,
                () -> store.storeForMembers(from("mallory", "staff", "again"), List.of("bob")));
        store.store(from("alice", "frank", "fine"));
    }

    @Test
    default void holdsForSaysWhetherAnythingWaitsForTheRecipientUntilItIsForgottenOrPurged() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(SETTINGS, clock);
        assertFalse(store.holdsFor("bob"));

        StoredMessage message = store.store(text("bob", "hi"));
        store.storeForMembers(from("alice", "staff", "to all"), List.of("carol"));
        assertTrue(store.holdsFor("bob"));
        assertTrue(store.holdsFor("carol"), "a group post waits in each member's queue");
        assertFalse(store.holdsFor("dave"));

        store.acknowledge("bob", "phone", message.id());
        assertTrue(store.holdsFor("bob"), "acknowledged is not forgotten");
        store.forgetDelivered("bob", Set.of("phone"));
        assertFalse(store.holdsFor("bob"));

        clock.advance(SETTINGS.expiry().plusSeconds(1));
        assertTrue(store.holdsFor("carol"), "expired but not purged yet");
        store.purgeExpired();
        assertFalse(store.holdsFor("carol"));
    }

    @Test
    default void groupPostReachesEachMemberAsItsRecipientAndIsForgottenPerMember() throws Exception {
        OfflineStore store = newStore(SETTINGS, new MutableClock(START));
        List<String> kept = store.storeForMembers(from("alice", "staff", "to all"), List.of("bob", "carol"));

        assertEquals(List.of("bob", "carol"), kept);
        StoredMessage bobs = store.pendingFor("bob", "phone", 10).get(0);
        StoredMessage carols = store.pendingFor("carol", "phone", 10).get(0);
        assertEquals("bob", bobs.recipient());
        assertEquals("carol", carols.recipient());
        assertEquals(bobs.id(), carols.id());
        assertEquals("alice", bobs.origin());
        assertEquals(2, store.count());

        store.acknowledge("bob", "phone", bobs.id());
        assertEquals(1, store.forgetDelivered("bob", Set.of("phone")));
        assertTrue(store.pendingFor("bob", "tablet", 10).isEmpty());
        assertEquals(List.of("to all"), bodies(store.pendingFor("carol", "phone", 10)));
        store.acknowledge("carol", "phone", carols.id());
        assertEquals(1, store.forgetDelivered("carol", Set.of("phone")));
        assertEquals(0, store.count());
    }

    @Test
    default void groupPostLeavesOutMembersWhoseQueueIsFullForItsSender() throws Exception {
        OfflineStore store = newStore(new OfflineStoreSettings(Duration.ofDays(7), 10, 65536, 1, 100),
                new MutableClock(START));
        store.store(from("mallory", "bob", "first"));
        assertEquals(List.of("carol"), store.storeForMembers(from("mallory", "staff", "post"),
                List.of("bob", "carol")));
        assertEquals(List.of("first"), bodies(store.pendingFor("bob", "phone", 10)));
    }

    @Test
    default void groupPostExpiresForEveryMember() throws Exception {
        MutableClock clock = new MutableClock(START);
        OfflineStore store = newStore(SETTINGS, clock);
        store.storeForMembers(from("alice", "staff", "old news"), List.of("bob", "carol"));
        clock.advance(Duration.ofDays(7));
        assertTrue(store.pendingFor("bob", "phone", 10).isEmpty());
        assertEquals(2, store.purgeExpired());
        assertEquals(0, store.count());
    }
}
