package org.liaison.im.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.FileOfflineStore;
import org.liaison.im.LocalDeliveryLeases;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.StoreUnavailableException;

/** What the sender of a message kept for later hears, by what the store said. */
class StoreAndForwardTest {

    @TempDir
    Path dir;

    final FakeDirectory devices = new FakeDirectory();
    final FakeMessenger messenger = new FakeMessenger();
    FileOfflineStore store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    StoreAndForward open(OfflineStoreSettings settings) throws IOException {
        store = FileOfflineStore.open(dir, settings, Clock.systemUTC());
        return over(store);
    }

    StoreAndForward over(OfflineStore offline) {
        MessagingMetrics metrics = new MessagingMetrics();
        return new StoreAndForward(offline,
                new MessageDelivery(offline, new LocalDeliveryLeases(), devices, messenger, new ManualTimer(), metrics),
                metrics);
    }

    static NewMessage from(String sender, String body) {
        return new NewMessage("bob", "sip:" + sender + "@example.org", "call-" + body, "text/plain",
                body.getBytes(StandardCharsets.UTF_8), sender);
    }

    @Test
    void aKeptMessageIsDurableBeforeItIsAcceptedAndGoesToTheDeviceThatRegisters() throws Exception {
        StoreAndForward messages = open(OfflineStoreSettings.defaults());

        assertEquals(Acceptance.Verdict.KEPT, messages.keep(from("alice", "hello")).verdict());
        assertEquals(1, store.count());

        devices.register("bob", "phone");
        messages.deviceRegistered("bob");
        assertEquals("hello", messenger.takeSentTo("phone").body());
    }

    @Test
    void aFullQueueOfTheRecipientOrOfTheSenderAndATooLargeBodyEachHaveTheirVerdict() throws Exception {
        StoreAndForward messages = open(new OfflineStoreSettings(Duration.ofDays(1), 2, 10, 1, 100));

        assertEquals(Acceptance.Verdict.KEPT, messages.keep(from("alice", "one")).verdict());
        assertEquals(Acceptance.Verdict.SENDER_QUEUE_FULL, messages.keep(from("alice", "two")).verdict());
        assertEquals(Acceptance.Verdict.TOO_LARGE, messages.keep(from("carol", "far too long")).verdict());
        assertEquals(Acceptance.Verdict.KEPT, messages.keep(from("carol", "three")).verdict());
        assertEquals(Acceptance.Verdict.RECIPIENT_QUEUE_FULL, messages.keep(from("dave", "four")).verdict());
    }

    @Test
    void aStoreThatCannotWriteIsAFailureNotAnAcceptance() {
        OfflineStore broken = (OfflineStore) Proxy.newProxyInstance(OfflineStore.class.getClassLoader(),
                new Class<?>[] {OfflineStore.class}, (proxy, method, args) -> {
                    throw new UncheckedIOException(new IOException("disk full"));
                });

        assertEquals(Acceptance.Verdict.STORE_FAILED, over(broken).keep(from("alice", "hello")).verdict());
    }

    @Test
    void aClusterStoreOutOfReachIsUnavailableForNowSoTheSenderRetriesNotAFailure() {
        OfflineStore unreachable = (OfflineStore) Proxy.newProxyInstance(OfflineStore.class.getClassLoader(),
                new Class<?>[] {OfflineStore.class}, (proxy, method, args) -> {
                    throw new StoreUnavailableException("redis down", new IOException("connection refused"));
                });

        assertEquals(Acceptance.Verdict.STORE_UNAVAILABLE, over(unreachable).keep(from("alice", "hello")).verdict());
        assertEquals(Acceptance.Verdict.STORE_UNAVAILABLE,
                over(unreachable).keepForMembers(from("alice", "post"), java.util.List.of("bob")).verdict());
    }
}
