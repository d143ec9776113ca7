package org.liaison.im.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.liaison.im.FileOfflineStore;
import org.liaison.im.LocalDeliveryLeases;
import org.liaison.im.NewMessage;
import org.liaison.im.OfflineStore;
import org.liaison.im.OfflineStoreSettings;
import org.liaison.im.StoreUnavailableException;

/** Delivery order and retry, against a real store and fakes of the two ports. */
class MessageDeliveryTest {

    @TempDir
    Path dir;

    final FakeDirectory devices = new FakeDirectory();
    final FakeMessenger messenger = new FakeMessenger();
    final ManualTimer timer = new ManualTimer();
    FileOfflineStore store;
    MessageDelivery delivery;

    @BeforeEach
    void open() throws Exception {
        store = FileOfflineStore.open(dir, OfflineStoreSettings.defaults(),
                Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC));
        delivery = new MessageDelivery(store, new LocalDeliveryLeases(), devices, messenger, timer,
                new MessagingMetrics());
    }

    @AfterEach
    void close() {
        store.close();
    }

    void storeForBob(String... bodies) throws Exception {
        for (String body : bodies) {
            store.store(new NewMessage("bob", "sip:alice@example.org", "call-" + body, "text/plain",
                    body.getBytes(StandardCharsets.UTF_8), "alice"));
        }
    }

    @Test
    void oldestFirstAndTheNextOnlyOnceTheDeviceTookThePrevious() throws Exception {
        storeForBob("one", "two");
        devices.register("bob", "phone");

        delivery.deliverTo("bob");

        FakeMessenger.Sent first = messenger.takeSentTo("phone");
        assertEquals("one", first.body());
        messenger.assertNothingSent();
        first.answer(DeviceAnswer.TOOK);
        FakeMessenger.Sent second = messenger.takeSentTo("phone");
        assertEquals("two", second.body());
        second.answer(DeviceAnswer.TOOK);
        messenger.assertNothingSent();
        assertEquals(0, store.count(), "what every registered device has is deleted");
    }

    @Test
    void eachDeviceIsServedInItsOwnTimeAndTheMessageStaysUntilEveryDeviceHasIt() throws Exception {
        storeForBob("one", "two");
        devices.register("bob", "phone", "laptop");

        delivery.deliverTo("bob");
        messenger.takeSentTo("phone").answer(DeviceAnswer.TOOK);
        FakeMessenger.Sent toLaptop = messenger.takeSentTo("laptop");

        assertEquals("one", toLaptop.body());
        assertEquals("two", messenger.takeSentTo("phone").body());
        assertEquals(2, store.count());
    }

    @Test
    void aRegistrationDuringDeliveryDoesNotStartASecondOutOfOrderOne() throws Exception {
        storeForBob("one");
        devices.register("bob", "phone");

        delivery.deliverTo("bob");
        delivery.deliverTo("bob");

        messenger.takeSentTo("phone");
        messenger.assertNothingSent();
    }

    @Test
    void silenceIsTriedAgainAfter5s20s80sUpToTenMinutesSixTimesThenWaitsForTheNextRegistration()
            throws Exception {
        storeForBob("one");
        devices.register("bob", "phone");

        delivery.deliverTo("bob");
        for (int attempt = 1; attempt < MessageDelivery.MAX_RETRIES; attempt++) {
            messenger.takeSentTo("phone").answer(DeviceAnswer.NOT_NOW);
            timer.fire();
        }
        messenger.takeSentTo("phone").answer(DeviceAnswer.NOT_NOW);

        assertEquals(List.of(5_000L, 20_000L, 80_000L, 320_000L, 600_000L), timer.delaysMs);
        assertTrue(timer.isIdle());
        messenger.assertNothingSent();
        delivery.deliverTo("bob");
        assertEquals("one", messenger.takeSentTo("phone").body());
    }

    @Test
    void aRefusedMessageIsNeverSentToThatDeviceAgainButTheNextOneIs() throws Exception {
        storeForBob("one", "two");
        devices.register("bob", "phone");

        delivery.deliverTo("bob");
        messenger.takeSentTo("phone").answer(new DeviceAnswer.Refused(415));
        FakeMessenger.Sent next = messenger.takeSentTo("phone");
        assertEquals("two", next.body());
        next.answer(DeviceAnswer.NOT_NOW);
        timer.fire();

        assertEquals("two", messenger.takeSentTo("phone").body());
        assertTrue(timer.isIdle(), "a refusal is not retried");
    }

    @Test
    void aMessageThatCannotBeSentIsSkippedForTheDevice() throws Exception {
        storeForBob("one", "two");
        devices.register("bob", "phone");

        delivery.deliverTo("bob");
        messenger.takeSentTo("phone").answer(DeviceAnswer.UNSENDABLE);

        assertEquals("two", messenger.takeSentTo("phone").body());
    }

    @Test
    void anUnreachableDeviceIsNotRetriedButServedAgainWhenItRegisters() throws Exception {
        storeForBob("one");
        devices.register("bob", "phone");

        delivery.deliverTo("bob");
        messenger.takeSentTo("phone").answer(DeviceAnswer.UNREACHABLE);
        assertTrue(timer.isIdle());
        messenger.assertNothingSent();

        delivery.deliverTo("bob");
        assertEquals("one", messenger.takeSentTo("phone").body());
    }

    @Test
    void aDeviceThatIsNoLongerRegisteredGetsNothingMore() throws Exception {
        storeForBob("one", "two");
        devices.register("bob", "phone", "laptop");

        delivery.deliverTo("bob");
        messenger.takeSentTo("laptop");
        devices.unregister("bob", "phone");
        messenger.takeSentTo("phone").answer(DeviceAnswer.TOOK);

        messenger.assertNothingSent();
        assertEquals(2, store.count(), "the laptop, still registered, has not got them");
    }

    @Test
    void aSendThatFailsDoesNotLeaveTheDeviceStuckUntilARestart() throws Exception {
        storeForBob("one");
        devices.register("bob", "phone");
        AtomicBoolean broken = new AtomicBoolean(true);
        DeviceMessenger failingOnce = (user, device, message) -> broken.getAndSet(false)
                ? CompletableFuture.failedFuture(new IllegalStateException("broken"))
                : messenger.send(user, device, message);
        MessageDelivery overFlakyNetwork = new MessageDelivery(store, new LocalDeliveryLeases(), devices, failingOnce,
                timer, new MessagingMetrics());

        overFlakyNetwork.deliverTo("bob");
        overFlakyNetwork.deliverTo("bob");

        assertEquals("one", messenger.takeSentTo("phone").body());
    }

    /** The file store behind a cluster store whose Redis is down while {@code down} says so, for {@code method}. */
    OfflineStore failingWhile(AtomicBoolean down, String method) {
        return (OfflineStore) Proxy.newProxyInstance(OfflineStore.class.getClassLoader(),
                new Class<?>[] {OfflineStore.class}, (proxy, called, args) -> {
                    if (down.get() && called.getName().equals(method)) {
                        throw new StoreUnavailableException("redis down", new IOException("connection refused"));
                    }
                    try {
                        return called.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aStoreUnreachableWhenTheDeviceRegistersDoesNotBlockItsDeliveryTheNextRegisterDelivers() throws Exception {
        storeForBob("one");
        devices.register("bob", "phone");
        AtomicBoolean redisDown = new AtomicBoolean(true);
        MessageDelivery overCluster = new MessageDelivery(failingWhile(redisDown, "pendingFor"),
                new LocalDeliveryLeases(), devices, messenger, timer, new MessagingMetrics());

        overCluster.deliverTo("bob");
        messenger.assertNothingSent();
        redisDown.set(false);
        overCluster.deliverTo("bob");

        assertEquals("one", messenger.takeSentTo("phone").body());
    }

    @Test
    void aStoreUnreachableWhenDeletingWhatWasDeliveredLeavesItForLaterAndTheRegisterIsNotDisturbed() throws Exception {
        storeForBob("one");
        devices.register("bob", "phone");
        AtomicBoolean redisDown = new AtomicBoolean(true);
        MessageDelivery overCluster = new MessageDelivery(failingWhile(redisDown, "forgetDelivered"),
                new LocalDeliveryLeases(), devices, messenger, timer, new MessagingMetrics());

        overCluster.deliverTo("bob");
        messenger.takeSentTo("phone").answer(DeviceAnswer.TOOK);

        assertEquals(1, store.count(), "kept until a later delivery can delete it");
        overCluster.deliverTo("bob"); // a REGISTER while Redis is still down: nothing to send, nothing thrown
        redisDown.set(false);
        overCluster.deliverTo("bob");
        assertEquals(0, store.count());
    }
}
