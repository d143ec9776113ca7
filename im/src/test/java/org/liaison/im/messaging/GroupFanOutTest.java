package org.liaison.im.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.FileOfflineStore;
import org.liaison.im.LocalDeliveryLeases;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStoreSettings;

/** A group post: kept once off the caller's thread, answered, then handed to the members' devices. */
class GroupFanOutTest {

    @TempDir
    Path dir;

    final FakeDirectory devices = new FakeDirectory();
    final FakeMessenger messenger = new FakeMessenger();
    /** The posting thread, run by hand. */
    final List<Runnable> posting = new ArrayList<>();
    FileOfflineStore store;

    @AfterEach
    void close() {
        store.close();
    }

    GroupFanOut open(OfflineStoreSettings settings, Executor executor) throws Exception {
        store = FileOfflineStore.open(dir, settings, Clock.systemUTC());
        MessagingMetrics metrics = new MessagingMetrics();
        MessageDelivery delivery = new MessageDelivery(store, new LocalDeliveryLeases(), devices, messenger,
                new ManualTimer(), metrics);
        return new GroupFanOut(new StoreAndForward(store, delivery, metrics), metrics, executor);
    }

    static NewMessage post(String body) {
        return new NewMessage("staff", "\"Alice\" <sip:staff@example.org>", "call-" + body, "text/plain",
                body.getBytes(StandardCharsets.UTF_8), "alice");
    }

    @Test
    void aPostIsKeptOnThePostingThreadAndHandedOutOnlyAfterTheSenderIsAnswered() throws Exception {
        GroupFanOut groups = open(OfflineStoreSettings.defaults(), posting::add);
        devices.register("bob", "bob-phone");
        devices.register("carol", "carol-phone");

        CompletableFuture<Acceptance> answer = groups.post(post("lunch?"), List.of("bob", "carol"))
                .toCompletableFuture();
        assertFalse(answer.isDone(), "nothing is stored on the caller's thread");
        posting.remove(0).run();

        Acceptance accepted = answer.getNow(null);
        assertEquals(Acceptance.Verdict.KEPT, accepted.verdict());
        assertEquals(1, store.pendingFor("bob", "bob-phone", 10).size());
        assertEquals(1, store.pendingFor("carol", "carol-phone", 10).size());
        messenger.assertNothingSent();
        accepted.afterAnswer().run();
        assertEquals("lunch?", messenger.takeSentTo("bob-phone").body());
        assertEquals("lunch?", messenger.takeSentTo("carol-phone").body());
    }

    @Test
    void pastTheBacklogAPostIsRefusedBusyAtOnce() throws Exception {
        GroupFanOut groups = open(OfflineStoreSettings.defaults(), task -> {
            throw new RejectedExecutionException("backlog full");
        });

        CompletableFuture<Acceptance> answer = groups.post(post("lunch?"), List.of("bob")).toCompletableFuture();

        assertEquals(Acceptance.Verdict.BUSY, answer.getNow(null).verdict());
        assertEquals(0, store.count());
    }

    @Test
    void aPostNoMemberHasRoomForIsRefusedAsTheSendersQueueBeingFull() throws Exception {
        GroupFanOut groups = open(new OfflineStoreSettings(Duration.ofDays(1), 10, 100, 1, 100), Runnable::run);

        assertEquals(Acceptance.Verdict.KEPT,
                groups.post(post("one"), List.of("bob")).toCompletableFuture().getNow(null).verdict());
        assertEquals(Acceptance.Verdict.SENDER_QUEUE_FULL,
                groups.post(post("two"), List.of("bob")).toCompletableFuture().getNow(null).verdict());
        assertEquals(Acceptance.Verdict.TOO_LARGE,
                groups.post(post("x".repeat(101)), List.of("carol")).toCompletableFuture().getNow(null).verdict());
    }

    @Test
    void theServerKeepsPostsOnAThreadOfTheirOwn() throws Exception {
        store = FileOfflineStore.open(dir, OfflineStoreSettings.defaults(), Clock.systemUTC());
        MessagingMetrics metrics = new MessagingMetrics();
        MessageDelivery delivery = new MessageDelivery(store, new LocalDeliveryLeases(), devices, messenger,
                new ManualTimer(), metrics);
        GroupFanOut groups = new GroupFanOut(new StoreAndForward(store, delivery, metrics), metrics);

        Acceptance accepted = groups.post(post("lunch?"), List.of("bob")).toCompletableFuture().get(10,
                TimeUnit.SECONDS);

        assertEquals(Acceptance.Verdict.KEPT, accepted.verdict());
        // it ends itself after 10 s idle, long after this look
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("liaison-group-posts") && t.isDaemon()));
    }
}
